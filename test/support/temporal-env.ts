import { inspect } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type LogEntry, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';

let runtimeInstalled = false;
interface RuntimeLogCapture {
  lines: string[];
  quiet: boolean;
}
const runtimeLogCaptures = new Set<RuntimeLogCapture>();

/** Prints a worker runtime log line to stderr (unless a quiet capture is on) and hands it to the captures. */
function printRuntimeLog(entry: LogEntry): void {
  const line = `[${entry.level}] ${entry.message}${entry.meta === undefined ? '' : ` ${inspect(entry.meta, { depth: 8 })}`}`;
  for (const capture of runtimeLogCaptures) capture.lines.push(line);
  if (![...runtimeLogCaptures].some((capture) => capture.quiet)) process.stderr.write(`${line}\n`);
}

/** Collects the worker runtime's log lines (WARN and up, as printed) from now until stop(). */
export function captureRuntimeLogs(options: { quiet?: boolean } = {}): { lines: string[]; stop(): void } {
  const capture: RuntimeLogCapture = { lines: [], quiet: options.quiet ?? false };
  runtimeLogCaptures.add(capture);
  return { lines: capture.lines, stop: () => runtimeLogCaptures.delete(capture) };
}

/** A real Temporal dev server from the installed CLI (nothing is downloaded), eager activities on. */
export function createTemporalEnv(options: { uiPort?: number } = {}): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // Worker lifecycle chatter at INFO buries test failures; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN', printRuntimeLog) });
    runtimeInstalled = true;
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli() },
      extraArgs: [...devServerDynamicConfig, ...devServerSearchAttributes],
      log: { format: 'pretty', level: 'warn' },
      // The Web UI only where a test opens it: it costs start-up time.
      ...(options.uiPort === undefined ? {} : { ui: true, uiPort: options.uiPort }),
    },
  });
}

/** Bundled once per test file: every worker in the file reuses it. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quietLogger });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
