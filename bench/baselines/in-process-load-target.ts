import { startChild } from '../lib/child-process';
import { loadPrompt, type LoadTarget } from '../lib/load-target';
import type { InProcessGeneration } from './in-process-loop-process';

/**
 * Baseline (a) under load: the agent loop with no Temporal (in-process-loop.ts) in a process of its own,
 * which is its "worker"; it has no Temporal server (dev-server CPU 0).
 */
export async function startInProcessLoadTarget(fakeUrl: string): Promise<LoadTarget> {
  const child = await startChild({ name: 'in-process loop', entry: 'bench/baselines/in-process-loop-process.ts', env: { ANTHROPIC_BASE_URL: fakeUrl } });
  const run = async (prompts: string[], staggerMs: number, deadline: number): Promise<InProcessGeneration[]> => {
    const reply = await child.request({ type: 'run', prompts, staggerMs }, 'ran', Math.max(1000, deadline - Date.now()));
    return reply.generations as InProcessGeneration[];
  };
  try {
    const warm = await run([0, 1, 2, 3].map((i) => `[[scenario:warmup]] warm-up ${i}`), 0, Date.now() + 60_000);
    if (warm.some((generation) => !generation.ok)) throw new Error(`in-process loop: a warm-up generation failed: ${JSON.stringify(warm)}`);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    label: '(a) in-process loop',
    workerPid: child.pid,
    devServerPid: undefined,
    dispatchFrom: 'the block stop seen by the loop → the tool code starting',
    async runBatch(scenario, count, options) {
      const generations = await run(
        Array.from({ length: count }, (_, i) => loadPrompt(scenario, i, options.batchId)),
        options.staggerMs,
        options.deadline,
      );
      const dispatchMs = generations.flatMap((generation) => generation.dispatchMs);
      return { generations: generations.map(({ ok, durationMs }) => ({ ok, durationMs })), dispatchMs, fromBlockStopMs: dispatchMs };
    },
    close: () => child.stop(),
  };
}
