import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientInterceptors } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { startFakeAnthropic, type FakeAnthropicServer, type Scenario } from '../../src/fake-anthropic';
import { startToolstream, type RunningToolstream } from '../../src/runtime/start-toolstream';
import { createStorage } from '../../src/storage/storage';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';

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

export interface BenchStack {
  /** The HTTP API's base URL. */
  url: string;
  fake: FakeAnthropicServer;
  config: Config;
  toolstream: RunningToolstream;
  workspaceOf(generationId: string): string;
  close(): Promise<void>;
}

let queueCounter = 0;

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
  const fake = await startFakeAnthropic({ scenarios });
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-bench-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ANTHROPIC_API_KEY: 'sk-ant-bench-not-secret',
    ANTHROPIC_BASE_URL: fake.url,
    TOOLSTREAM_TASK_QUEUE: `toolstream-bench-${process.pid}-${++queueCounter}`,
    TOOLSTREAM_WORKSPACE_DIR: workspaceDir,
    TOOLSTREAM_STORE_DIR: path.join(workspaceDir, '.store'),
    TOOLSTREAM_TEST_TOOLS: '1',
    // Closing at the end of a test cancels what still runs at once rather than waiting out a grace time.
    TOOLSTREAM_SHUTDOWN_GRACE_MS: '0',
    ...env,
  });
  const toolstream = await startToolstream({
    config,
    nativeConnection: temporal.env.nativeConnection,
    connection: temporal.env.connection,
    storage: await createStorage(config),
    clientInterceptors: options.clientInterceptors,
    workflowBundle: temporal.bundle,
  });
  return {
    url: toolstream.url,
    fake,
    config,
    toolstream,
    workspaceOf: (generationId) => path.join(workspaceDir, generationId),
    async close() {
      await toolstream.close();
      await fake.close();
      fs.rmSync(workspaceDir, { recursive: true, force: true });
    },
  };
}

const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
