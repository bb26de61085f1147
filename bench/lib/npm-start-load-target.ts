import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort, isListening } from '../../test/support/ports';
import { runApiBatch } from './api-load-batch';
import type { LoadTarget } from './load-target';
import { warmUpApi } from './ours-load-target';
import { childPids } from './process-stats';

const repoRoot = path.resolve(__dirname, '..', '..');
/** `npm start`'s embedded dev server always listens here (src/main.ts). */
const embeddedTemporalPort = 7233;

/**
 * `npm start` as a new user runs it: src/main.ts in one process (the HTTP API and the worker), its own
 * embedded Temporal dev server (SQLite file in a fresh data dir), default settings and logging. The one
 * difference from a user's machine: ANTHROPIC_BASE_URL points at the bench's fake model (a user without a
 * key gets the scripted calculator demo) and the test tools are on (the scenarios call `sleep`). Run with
 * tsx rather than from a `tsc` build; the code is the same. The dev server is the process's child.
 */
export async function startNpmStartLoadTarget(fakeUrl: string): Promise<LoadTarget> {
  if (await isListening(embeddedTemporalPort)) {
    throw new Error(`npm start's embedded Temporal needs port ${embeddedTemporalPort}, which something else uses; stop it first`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-npm-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|TOOLSTREAM_|ANTHROPIC_|PORT$|HOST$)/.test(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/main.ts')], {
    cwd: repoRoot,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TOOLSTREAM_DATA_DIR: dataDir,
      ANTHROPIC_API_KEY: 'sk-ant-bench-not-secret',
      ANTHROPIC_BASE_URL: fakeUrl,
      TOOLSTREAM_TEST_TOOLS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const devServers = childPids(child.pid ?? -1, 'start-dev');
      child.kill('SIGTERM');
      const force = setTimeout(() => {
        child.kill('SIGKILL');
        for (const pid of devServers) killQuietly(pid);
      }, 20_000);
      await exited;
      clearTimeout(force);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, () => child.exitCode !== null, 180_000);
    const started: string[] = [];
    await warmUpApi(url, started);
    const devServerPid = childPids(child.pid ?? -1, 'start-dev')[0];
    return {
      label: 'npm start',
      workerPid: child.pid ?? -1,
      devServerPid,
      dispatchFrom: 'tool.detected (the model activity saw the block stop) → the tool code starting',
      // A step cut off at its deadline leaves generations running here; the ramp stops after a failed step anyway.
      runBatch: (scenario, count, options) => runApiBatch(url, scenario, count, options, started),
      close: stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`npm start did not come up: ${String(err)}\n${tail.join('\n')}`);
  }
}

async function waitHealthy(url: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the process exited');
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no healthy /healthz within ${timeoutMs} ms`);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
