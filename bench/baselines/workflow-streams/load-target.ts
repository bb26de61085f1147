import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { startChild } from '../../lib/child-process';
import { loadPrompt, staggered, type LoadTarget } from '../../lib/load-target';
import { childPids } from '../../lib/process-stats';
import type { BenchTemporal } from '../../lib/stack';
import { allTopics, Topic, type ToolEvent, type WorkflowStreamsGenerationInput } from './shared';
import type { workflowStreamsGeneration } from './workflow';
import type { WorkflowStreamsToolTiming } from './worker-process';

/** The same 100 ms text batches as ours. */
const batchMs = 100;
/** One subscriber per generation, polling no more often than ours's one client (bench/lib/api-load-batch.ts). */
const pollCooldownMs = 500;

/**
 * Baseline (c) under load: its worker in a process of its own (worker-process.ts); here, per generation,
 * the workflow start and one subscriber reading every topic from offset 0 as the library intends (a
 * long-polling update, at most every 500 ms). Dispatch is timed from the moment its design lets a tool
 * start, the model turn's stream ending, to the tool's code starting.
 */
export async function startWorkflowStreamsLoadTarget(temporal: BenchTemporal, fakeUrl: string): Promise<LoadTarget> {
  const taskQueue = `workflow-streams-load-${process.pid}-${Date.now()}`;
  const child = await startChild({
    name: 'workflow-streams worker',
    entry: 'bench/baselines/workflow-streams/worker-process.ts',
    env: { TEMPORAL_ADDRESS: temporal.env.address, BENCH_TASK_QUEUE: taskQueue, ANTHROPIC_BASE_URL: fakeUrl },
    nodeArgs: ['--expose-gc'],
    readyTimeoutMs: 120_000,
  });
  const client = temporal.env.client;
  const running = new Set<string>();
  let counter = 0;

  const runOne = async (prompt: string, deadline: number, detectedAt: Map<string, number>): Promise<{ ok: boolean; durationMs: number }> => {
    const generationId = `wsload-${process.pid}-${++counter}`;
    const input: WorkflowStreamsGenerationInput = { generationId, prompt, model: 'claude-sonnet-5-5', maxIterations: 10, maxTokens: 16_000, batchMs };
    const startedAt = Date.now();
    const handle = await client.workflow.start<typeof workflowStreamsGeneration>('workflowStreamsGeneration', {
      taskQueue,
      workflowId: `wsgen-${generationId}`,
      args: [input],
    });
    running.add(handle.workflowId);
    const timer = setTimeout(() => void handle.terminate('load benchmark: deadline').catch(() => undefined), Math.max(0, deadline - Date.now()));
    try {
      await subscribe(client, handle.workflowId, (toolUseId, at) => detectedAt.set(JSON.stringify([generationId, toolUseId]), at));
      await handle.result();
      return { ok: true, durationMs: Date.now() - startedAt };
    } catch {
      return { ok: false, durationMs: Date.now() - startedAt };
    } finally {
      clearTimeout(timer);
      running.delete(handle.workflowId);
    }
  };

  const target: LoadTarget = {
    label: '(c) workflow-streams',
    workerPid: child.pid,
    devServerPid: childPids(process.pid, 'start-dev')[0],
    dispatchFrom: "the model turn's stream ended (its last SSE event seen by the model activity) → the tool code starting",
    async runBatch(scenario, count, options) {
      const detectedAt = new Map<string, number>();
      const generations = await staggered(count, options.staggerMs, (i) => runOne(loadPrompt(scenario, i, options.batchId), options.deadline, detectedAt));
      const { timings } = (await child.request({ type: 'timings' }, 'timings', 10_000)) as unknown as { timings: WorkflowStreamsToolTiming[] };
      return {
        generations,
        dispatchMs: timings.map((timing) => timing.codeStartedAt - timing.turnEndedAt),
        fromBlockStopMs: timings.flatMap((timing) => {
          const detected = detectedAt.get(JSON.stringify([timing.generationId, timing.toolUseId]));
          return detected === undefined ? [] : [timing.codeStartedAt - detected];
        }),
      };
    },
    async close() {
      await Promise.allSettled([...running].map((id) => client.workflow.getHandle(id).terminate('load benchmark over')));
      await child.stop();
    },
  };
  try {
    // A fresh worker compiles its code on first use: short generations first, their timings dropped.
    const warm = await Promise.all([0, 1, 2, 3].map((i) => runOne(`[[scenario:warmup]] warm-up ${i}`, Date.now() + 60_000, new Map())));
    if (warm.some((generation) => !generation.ok)) throw new Error('workflow-streams: a warm-up generation failed');
    await child.request({ type: 'timings' }, 'timings', 10_000);
  } catch (err) {
    await target.close();
    throw err;
  }
  return target;
}

/** Reads every topic until `complete`, noting when each tool call was detected (activity clock). */
async function subscribe(client: Client, workflowId: string, onDetected: (toolUseId: string, at: number) => void): Promise<void> {
  const stream = WorkflowStreamClient.create(client, workflowId);
  for await (const item of stream.subscribe(allTopics, 0, { pollCooldown: pollCooldownMs })) {
    if (item.topic === Topic.tool) {
      const event = defaultPayloadConverter.fromPayload<ToolEvent>(item.data);
      if (event.type === 'detected') onDetected(event.toolUseId, event.at);
    }
    if (item.topic === Topic.complete) return;
  }
}
