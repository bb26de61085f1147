import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './managed-process';

const projectRoot = path.resolve(__dirname, '..', '..');

export interface WorkerProcessEnv {
  TEMPORAL_ADDRESS: string;
  TOOLSTREAM_TASK_QUEUE: string;
  ANTHROPIC_BASE_URL: string;
  TOOLSTREAM_WORKSPACE_DIR: string;
  [name: string]: string;
}

/**
 * `src/worker-main.ts` as its own process, run from source through tsx (the worker bundles the
 * workflow code itself, as in production), so a test can kill -9 it. Resolves once it polls.
 */
export async function startWorkerProcess(env: WorkerProcessEnv, name = 'worker'): Promise<ManagedProcess> {
  const worker = spawnManaged(name, process.execPath, ['--import', 'tsx', path.join('src', 'worker-main.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      ANTHROPIC_API_KEY: 'sk-ant-test-key-not-secret',
      TOOLSTREAM_TEST_TOOLS: '1',
      ...env,
    },
  });
  try {
    await worker.waitForOutput(/toolstream worker polling task queue/, 60_000);
  } catch (err) {
    await worker.kill('SIGKILL');
    throw err;
  }
  return worker;
}

/** The worker processes a test started, named in order, so an afterEach can kill whatever is left. */
export class WorkerProcesses {
  private started: ManagedProcess[] = [];

  /** Every worker started since the last killAll, in order. */
  get all(): readonly ManagedProcess[] {
    return this.started;
  }

  async start(env: WorkerProcessEnv): Promise<ManagedProcess> {
    const worker = await startWorkerProcess(env, `worker ${this.started.length + 1}`);
    this.started.push(worker);
    return worker;
  }

  async killAll(): Promise<void> {
    for (const worker of this.started) await worker.kill('SIGKILL');
    this.started = [];
  }
}
