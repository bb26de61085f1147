import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../../src/shared/generation';
import { dispatchTimings } from './dispatch-latency';
import { createGeneration, followGeneration } from './follow-generation';
import { loadPrompt, staggered, type BatchOptions, type BatchResult, type LoadScenarioName } from './load-target';

/** Each generation's client polls its events this often, as the capacity measure's do. */
export const apiPollMs = 500;

/**
 * A batch of generations through the HTTP API, each followed by one polling client: for ours and for
 * `npm start`. Dispatch is tool.detected → the tool's code starting (bench/lib/dispatch-latency.ts).
 */
export async function runApiBatch(url: string, scenario: LoadScenarioName, count: number, options: BatchOptions, started: string[]): Promise<BatchResult> {
  const generations = await staggered(count, options.staggerMs, async (i) => {
    const requestedAt = Date.now();
    let id: string;
    try {
      id = await createGeneration(url, loadPrompt(scenario, i, options.batchId));
    } catch {
      return { ok: false, durationMs: Date.now() - requestedAt, timings: [] };
    }
    started.push(id);
    const followed = await followGeneration(url, id, { pollMs: apiPollMs, deadline: options.deadline });
    const done = followed.events.find((event) => event.type === 'generation.completed');
    return {
      ok: followed.status === 'completed' && done !== undefined,
      durationMs: (done ? Date.parse(done.at) : Date.now()) - requestedAt,
      timings: dispatchTimings(followed.events).map((timing) => timing.total),
    };
  });
  const dispatchMs = generations.flatMap((generation) => generation.timings);
  return { generations: generations.map(({ ok, durationMs }) => ({ ok, durationMs })), dispatchMs, fromBlockStopMs: dispatchMs };
}

/** Ends what a batch left running (a step cut off at its deadline), so the next step starts clean. */
export async function terminateRunning(client: Client, ids: string[]): Promise<void> {
  await Promise.allSettled(
    ids.map(async (id) => {
      const handle = client.workflow.getHandle(workflowIdFor(id));
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('load benchmark step over');
    }),
  );
  ids.length = 0;
}
