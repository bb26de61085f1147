import type { ClientInterceptors } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Scenario } from '../../src/fake-anthropic';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';
import { startToolstreamStack, type ToolstreamStack } from '../../test/support/toolstream-harness';
import { silentLogger } from './bundler-logger';

export interface BenchTemporal {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** One real dev server (the installed CLI, eager activities on, as `npm start` runs it) and the bundled workflows. */
export async function startTemporal(): Promise<BenchTemporal> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: findTemporalCli() }, extraArgs: [...devServerDynamicConfig, ...devServerSearchAttributes], log: { format: 'pretty', level: 'error' } },
  });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: silentLogger });
  return { env, bundle, close: () => env.teardown() };
}

export interface BenchStack extends ToolstreamStack {
  /** The HTTP API's base URL. */
  url: string;
}

export interface StackOptions {
  /** Interceptors of the client the worker's activities signal through (e.g. one that times the signals). */
  clientInterceptors?: ClientInterceptors;
}

/** Worker + HTTP API on their own task queue, talking to the fake model over real HTTP/SSE through the real SDK. */
export async function startStack(
  temporal: BenchTemporal,
  scenarios: Record<string, Scenario>,
  env: Record<string, string> = {},
  options: StackOptions = {},
): Promise<BenchStack> {
  const stack = await startToolstreamStack(temporal.env, temporal.bundle, {
    name: 'bench',
    scenarios,
    env: { ANTHROPIC_API_KEY: 'sk-ant-bench-not-secret', ...env },
    clientInterceptors: options.clientInterceptors,
  });
  return { ...stack, url: stack.toolstream.url };
}
