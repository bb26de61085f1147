import { inspect } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type LogEntry, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';
import { notYet } from './late-bound';

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

/** Starts the file's dev server and workflow bundle in a beforeAll and tears the server down in an afterAll. */
export function useTemporalEnv(): TemporalForFile {
  const temporal = new TemporalForFile();
  beforeAll(() => temporal.start());
  afterAll(() => temporal.stop());
  return temporal;
}

/** The dev server and workflow bundle a test file shares, there once started. */
export class TemporalForFile {
  private startedEnv?: TestWorkflowEnvironment;
  private startedBundle?: WorkflowBundleWithSourceMap;
  private readonly beforeStop = new Set<() => Promise<void>>();

  get env(): TestWorkflowEnvironment {
    return notYet(this.startedEnv, 'the Temporal dev server');
  }

  get bundle(): WorkflowBundleWithSourceMap {
    return notYet(this.startedBundle, 'the workflow bundle');
  }

  async start(): Promise<void> {
    this.startedEnv = await createTemporalEnv();
    this.startedBundle = await bundleWorkflows();
  }

  /**
   * Runs `close` before the server goes down, unless it was run before: Jest runs afterAll hooks of one
   * block in the order they were declared, so a harness declared after the server would otherwise close
   * after it.
   */
  closeBeforeStop(close: () => Promise<void>): () => Promise<void> {
    this.beforeStop.add(close);
    return async () => {
      if (this.beforeStop.delete(close)) await close();
    };
  }

  async stop(): Promise<void> {
    for (const close of [...this.beforeStop].reverse()) {
      this.beforeStop.delete(close);
      await close();
    }
    await this.startedEnv?.teardown();
  }
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
