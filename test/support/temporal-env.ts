import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerDynamicConfig, findTemporalCli } from '../../src/temporal/temporal-cli';

let runtimeInstalled = false;

/** A real Temporal dev server from the installed CLI (nothing is downloaded), eager activities on. */
export function createTemporalEnv(): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    // Worker lifecycle chatter at INFO buries test failures; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli() },
      extraArgs: devServerDynamicConfig,
      log: { format: 'pretty', level: 'warn' },
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
