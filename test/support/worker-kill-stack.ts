import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startFakeAnthropic, type FakeAnthropicServer, type Scenario } from '../../src/fake-anthropic';
import type { RunningApi } from '../../src/runtime/api-server';
import { startInProcessApi } from './api-process';
import { CursorPoller } from './cursor-poller';
import type { ManagedProcess } from './managed-process';
import { notYet, readThrough } from './late-bound';
import { createTemporalEnv } from './temporal-env';
import { WorkerProcesses } from './worker-process';

/** What a worker-kill test runs on, there once the file's beforeAll has run. */
export interface WorkerKillStack {
  readonly env: TestWorkflowEnvironment;
  readonly fake: FakeAnthropicServer;
  /** The API, in this process: it stays up the whole time, only workers die. */
  readonly api: RunningApi;
  /** Each generation's workspace is a folder in here. */
  readonly workspaceDir: string;
  /** Starts one more worker process; the test's afterEach kills every one left. */
  startWorker(): Promise<ManagedProcess>;
  /** The `index`th worker the test started (0: the first). */
  worker(index: number): ManagedProcess;
  /** A poller of the generation on the API, stopped after the test should the test fail before it ends. */
  poll(generationId: string): CursorPoller;
}

/**
 * A dev server, the fake model playing `scenarios`, the API in this process and worker processes, all
 * on one task queue and one store (as processes of one deployment share them); `name` tells this
 * file's task queue and temporary folder apart.
 */
export function useWorkerKillStack(name: string, scenarios: Record<string, Scenario>): WorkerKillStack {
  let started: WorkerKillStack | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let fake: FakeAnthropicServer | undefined;
  let api: RunningApi | undefined;
  let workspaceDir: string | undefined;
  const workers = new WorkerProcesses();
  let activePoller: CursorPoller | undefined;

  beforeAll(async () => {
    env = await createTemporalEnv();
    fake = await startFakeAnthropic({ scenarios });
    workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), `toolstream-${name}-`));
    const taskQueue = `toolstream-${name}-${process.pid}-${Date.now()}`;
    const storeDir = path.join(workspaceDir, '.store');
    const workerEnv = { TEMPORAL_ADDRESS: env.address, TOOLSTREAM_TASK_QUEUE: taskQueue, ANTHROPIC_BASE_URL: fake.url, TOOLSTREAM_WORKSPACE_DIR: workspaceDir, TOOLSTREAM_STORE_DIR: storeDir };
    const running = await startInProcessApi(env.connection, { address: env.address, taskQueue, storeDir });
    api = running;
    started = {
      env,
      fake,
      api: running,
      workspaceDir,
      startWorker: () => workers.start(workerEnv),
      worker: (index) => workers.all[index],
      poll: (generationId) => (activePoller = new CursorPoller(running.url, generationId)),
    };
  });

  afterEach(async () => {
    activePoller?.stop(); // a test that failed early must not leave it polling
    await workers.killAll();
  });

  afterAll(async () => {
    await api?.close();
    await fake?.close();
    await env?.teardown();
    if (workspaceDir) fs.rmSync(workspaceDir, { recursive: true, force: true });
  });

  return readThrough(() => notYet(started, 'the worker-kill stack'), {
    env: true,
    fake: true,
    api: true,
    workspaceDir: true,
    startWorker: true,
    worker: true,
    poll: true,
  });
}
