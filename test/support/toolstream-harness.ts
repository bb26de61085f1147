import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientInterceptors } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { startFakeAnthropic, type FakeAnthropicOptions, type FakeAnthropicServer, type Scenario } from '../../src/fake-anthropic';
import { startToolstream, type RunningToolstream } from '../../src/runtime/start-toolstream';
import { createStorage, type Storage } from '../../src/storage/storage';
import type { Logger } from '../../src/observability/logger';
import { ApiClient } from './api-client';
import { notYet, readThrough } from './late-bound';
import { TemporalForFile } from './temporal-env';

export interface Harness extends ToolstreamStack {
  /** The dev server the harness's worker and API run on. */
  env: TestWorkflowEnvironment;
  api: ApiClient;
}

export interface HarnessOptions {
  scenarios: Record<string, Scenario>;
  /** Played for a prompt without a [[scenario:NAME]] tag; without one such a prompt fails its model call. */
  defaultScenario?: Scenario;
  env?: Record<string, string>;
  /** Passed to the fake model: 'last' for runs whose requests add up to gigabytes. */
  keepRequestBodies?: FakeAnthropicOptions['keepRequestBodies'];
  /** Where the API's access and error logs go; silent without one. */
  logger?: Logger;
}

/** The product on real parts, without a client: what a harness and the benchmarks' stack are made of. */
export interface ToolstreamStack {
  fake: FakeAnthropicServer;
  config: Config;
  /** Its blob store and data converter: what a second API instance must share. */
  storage: Storage;
  toolstream: RunningToolstream;
  workspaceOf(generationId: string): string;
  close(): Promise<void>;
}

export interface ToolstreamStackOptions extends HarnessOptions {
  /** Tells its task queue and temporary folders apart: 'test', 'bench'. */
  name: string;
  /** Interceptors of the client the worker's activities signal through (e.g. one that times the signals). */
  clientInterceptors?: ClientInterceptors;
}

let taskQueueCounter = 0;

/**
 * The fake model over real HTTP/SSE, the real SDK, a worker on the dev server behind `env`, the HTTP
 * API on a real port; its own task queue, workspace and store, removed on close.
 */
export async function startToolstreamStack(
  env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'connection'>,
  workflowBundle: WorkflowBundleWithSourceMap,
  options: ToolstreamStackOptions,
): Promise<ToolstreamStack> {
  const fake = await startFakeAnthropic({
    scenarios: options.scenarios,
    defaultScenario: options.defaultScenario,
    keepRequestBodies: options.keepRequestBodies,
  });
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), `toolstream-${options.name}-ws-`));
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), `toolstream-${options.name}-store-`));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ANTHROPIC_API_KEY: 'sk-ant-test-key-not-secret',
    ANTHROPIC_BASE_URL: fake.url,
    TOOLSTREAM_TASK_QUEUE: `toolstream-${options.name}-${process.pid}-${++taskQueueCounter}-${Date.now()}`,
    TOOLSTREAM_WORKSPACE_DIR: workspaceDir,
    TOOLSTREAM_TEST_TOOLS: '1',
    TOOLSTREAM_STORE_DIR: storeDir,
    // Closing at the end of a test cancels what still runs at once rather than waiting out a grace time.
    TOOLSTREAM_SHUTDOWN_GRACE_MS: '0',
    ...options.env,
  });
  const storage = await createStorage(config);
  const toolstream = await startToolstream({
    config,
    nativeConnection: env.nativeConnection,
    connection: env.connection,
    storage,
    workflowBundle,
    clientInterceptors: options.clientInterceptors,
    logger: options.logger,
  });
  return {
    fake,
    config,
    storage,
    toolstream,
    workspaceOf: (generationId) => path.join(workspaceDir, generationId),
    async close() {
      await toolstream.close();
      await fake.close();
      fs.rmSync(workspaceDir, { recursive: true, force: true });
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * The whole product on real parts (startToolstreamStack) and a client of its API. Each harness gets its
 * own task queue and workspace.
 */
export async function startHarness(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  options: HarnessOptions,
): Promise<Harness> {
  const stack = await startToolstreamStack(env, workflowBundle, { ...options, name: 'test' });
  return {
    ...stack,
    env,
    // With TOOLSTREAM_API_TOKEN set, the harness's client is an authorized one.
    api: new ApiClient(stack.toolstream.url, stack.config.apiToken === undefined ? {} : { authorization: `Bearer ${stack.config.apiToken}` }),
  };
}

/**
 * A harness for the tests of the enclosing describe block (or file): started in a beforeAll, closed in
 * an afterAll. On the file's `temporal` where given, else on a dev server of its own, torn down after it.
 * Options that name what another beforeAll sets up go as a function, read when the harness starts.
 */
export function useHarness(options: HarnessOptions | (() => HarnessOptions), temporal?: TemporalForFile): Harness {
  const on = temporal ?? new TemporalForFile();
  let started: Harness | undefined;
  const close = on.closeBeforeStop(async () => {
    await started?.close();
  });
  beforeAll(async () => {
    if (temporal === undefined) await on.start();
    started = await startHarness(on.env, on.bundle, typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await close();
    if (temporal === undefined) await on.stop();
  });
  return readThrough(() => notYet(started, 'the harness'), {
    env: true,
    api: true,
    fake: true,
    config: true,
    storage: true,
    toolstream: true,
    workspaceOf: true,
    close: true,
  });
}
