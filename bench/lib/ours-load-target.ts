import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startApiOnly, type BenchApi } from './api-server';
import { runApiBatch, terminateRunning } from './api-load-batch';
import { startChild, type BenchChild } from './child-process';
import { createGeneration, followGeneration } from './follow-generation';
import type { LoadTarget } from './load-target';
import { childPids } from './process-stats';
import type { BenchTemporal } from './stack';

/**
 * Ours as the capacity measure runs it: the worker alone in a process (bench/lib/worker-process.ts),
 * configured like the product (src/config.ts; `stackEnv` adds tuning variables), the HTTP API in the
 * bench process in front of it, one polling client per generation. Warmed up before it is measured.
 */
export async function startOursLoadTarget(temporal: BenchTemporal, fakeUrl: string, stackEnv: Record<string, string> = {}): Promise<LoadTarget> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-load-'));
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, temporal.bundle.code);
  const env = {
    TEMPORAL_ADDRESS: temporal.env.address,
    ANTHROPIC_API_KEY: 'sk-ant-bench-not-secret',
    ANTHROPIC_BASE_URL: fakeUrl,
    TOOLSTREAM_TASK_QUEUE: `toolstream-load-${process.pid}-${Date.now()}`,
    TOOLSTREAM_WORKSPACE_DIR: path.join(scratch, 'workspaces'),
    TOOLSTREAM_STORE_DIR: path.join(scratch, 'store'),
    TOOLSTREAM_TEST_TOOLS: '1',
    ...stackEnv,
  };
  const started: string[] = [];
  let child: BenchChild | undefined;
  let api: BenchApi | undefined;
  const close = async (): Promise<void> => {
    await terminateRunning(temporal.env.client, started);
    await api?.close();
    await child?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  try {
    child = await startChild({
      name: 'worker',
      entry: 'bench/lib/worker-process.ts',
      env: { ...env, BENCH_WORKFLOW_BUNDLE: bundlePath, BENCH_STATS_MS: '1000' },
      nodeArgs: ['--expose-gc'],
    });
    api = await startApiOnly(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), temporal.env.connection);
    await warmUpApi(api.url, started);
    const url = api.url;
    return {
      label: 'ours',
      workerPid: child.pid,
      devServerPid: childPids(process.pid, 'start-dev')[0],
      dispatchFrom: 'tool.detected (the model activity saw the block stop) → the tool code starting',
      async runBatch(scenario, count, options) {
        try {
          return await runApiBatch(url, scenario, count, options, started);
        } finally {
          await terminateRunning(temporal.env.client, started);
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A fresh process compiles its code on first use: a few short generations first, so the steps measure a warm one. */
export async function warmUpApi(url: string, started: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      const id = await createGeneration(url, `[[scenario:warmup]] warm-up ${i}`);
      started.push(id);
      const followed = await followGeneration(url, id, { pollMs: 100, deadline: Date.now() + 60_000 });
      if (followed.status !== 'completed') throw new Error(`warm-up generation ${id} ended ${followed.status}`);
    }),
  );
}
