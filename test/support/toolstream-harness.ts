import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { startFakeAnthropic, type FakeAnthropicOptions, type FakeAnthropicServer, type Scenario } from '../../src/fake-anthropic';
import { startToolstream, type RunningToolstream } from '../../src/runtime/start-toolstream';
import { createStorage, type Storage } from '../../src/storage/storage';
import type { Logger } from '../../src/observability/logger';
import { ApiClient } from './api-client';
import { notYet, TemporalForFile } from './temporal-env';

export interface Harness {
  /** The dev server the harness's worker and API run on. */
  env: TestWorkflowEnvironment;
  api: ApiClient;
  fake: FakeAnthropicServer;
  config: Config;
  /** The harness's blob store and data converter: what a second API instance in the test must share. */
  storage: Storage;
  toolstream: RunningToolstream;
  workspaceOf(generationId: string): string;
  close(): Promise<void>;
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

let taskQueueCounter = 0;

/**
 * The whole product on real parts: the fake model over real HTTP/SSE, the real SDK, a worker on the
 * real dev server, the HTTP API on a real port. Each harness gets its own task queue and workspace.
 */
export async function startHarness(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  options: HarnessOptions,
): Promise<Harness> {
  const fake = await startFakeAnthropic({
    scenarios: options.scenarios,
    defaultScenario: options.defaultScenario,
    keepRequestBodies: options.keepRequestBodies,
  });
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-ws-'));
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-store-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ANTHROPIC_API_KEY: 'sk-ant-test-key-not-secret',
    ANTHROPIC_BASE_URL: fake.url,
    TOOLSTREAM_TASK_QUEUE: `toolstream-test-${process.pid}-${++taskQueueCounter}-${Date.now()}`,
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
    logger: options.logger,
  });
  return {
    env,
    // With TOOLSTREAM_API_TOKEN set, the harness's client is an authorized one.
    api: new ApiClient(toolstream.url, config.apiToken === undefined ? {} : { authorization: `Bearer ${config.apiToken}` }),
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
  return lateHarness(() => notYet(started, 'the harness'));
}

/** A Harness that reads through to the one `current` returns, so a test file can name it before its beforeAll. */
function lateHarness(current: () => Harness): Harness {
  return {
    get env() {
      return current().env;
    },
    get api() {
      return current().api;
    },
    get fake() {
      return current().fake;
    },
    get config() {
      return current().config;
    },
    get storage() {
      return current().storage;
    },
    get toolstream() {
      return current().toolstream;
    },
    workspaceOf: (generationId) => current().workspaceOf(generationId),
    close: () => current().close(),
  };
}
