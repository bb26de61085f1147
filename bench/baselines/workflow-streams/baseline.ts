import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { startFakeAnthropic, type FakeAnthropicServer, type Scenario } from '../../../src/fake-anthropic';
import { createToolRegistry } from '../../../src/tools';
import type { BenchTemporal } from '../../lib/stack';
import { createWorkflowStreamsActivities } from './activities';
import { bundleWorkflowStreams } from './bundle';
import { allTopics, Topic, type TextDelta, type WorkflowStreamsGenerationInput, type WorkflowStreamsGenerationResult } from './shared';
import type { workflowStreamsGeneration } from './workflow';

/** Same throttle as toolstream's worker, so both send heartbeats equally often. */
const heartbeatIntervalMs = 500;

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The baseline's workflow code, bundled on its own (once per process). */
function workflowStreamsBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundlePromise ??= bundleWorkflowStreams();
  return bundlePromise;
}

export interface WorkflowStreamsBaseline {
  taskQueue: string;
  fake: FakeAnthropicServer;
  /** Starts one generation and `subscribers` long-polling subscribers; resolves when all of them read `complete`. */
  run(prompt: string, options: { model: string; subscribers: number; batchMs: number; maxIterations?: number }): Promise<WorkflowStreamsRun>;
  close(): Promise<void>;
}

export interface WorkflowStreamsRun {
  workflowId: string;
  firstRunId: string;
  result: WorkflowStreamsGenerationResult;
  /** Per subscriber: items it read (all topics). */
  itemsPerSubscriber: number[];
  /** Delta published in the activity → a subscriber yields it, every delta, every subscriber. */
  deliveryMs: number[];
}

let queueCounter = 0;

/** Baseline (c) on the shared dev server: its own worker, task queue and fake model. */
export async function startWorkflowStreamsBaseline(temporal: BenchTemporal, scenarios: Record<string, Scenario>): Promise<WorkflowStreamsBaseline> {
  const fake = await startFakeAnthropic({ scenarios });
  const workspaceRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-streams-bench-'));
  const taskQueue = `workflow-streams-bench-${process.pid}-${++queueCounter}`;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  try {
    const activities = createWorkflowStreamsActivities({
      anthropic: new Anthropic({ apiKey: 'sk-ant-bench-not-secret', baseURL: fake.url, maxRetries: 0 }),
      tools: createToolRegistry({ testTools: true }),
      workspaceRoot,
      maxFileBytes: 1_000_000,
      heartbeatIntervalMs,
      payloadLimitBytes: null,
    });
    worker = await Worker.create({
      connection: temporal.env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowStreamsBundle(),
      activities,
      maxHeartbeatThrottleInterval: heartbeatIntervalMs,
      defaultHeartbeatThrottleInterval: heartbeatIntervalMs,
    });
    workerRun = worker.run();
  } catch (err) {
    await fake.close();
    fs.rmSync(workspaceRoot, { recursive: true, force: true });
    throw err;
  }
  const runningWorker = worker;
  const client = temporal.env.client;
  let runCounter = 0;

  return {
    taskQueue,
    fake,
    async run(prompt, options) {
      const generationId = `ws-${process.pid}-${queueCounter}-${++runCounter}-${Date.now()}`;
      const input: WorkflowStreamsGenerationInput = {
        generationId,
        prompt,
        model: options.model,
        maxIterations: options.maxIterations ?? 10,
        maxTokens: 16_000,
        batchMs: options.batchMs,
      };
      const handle = await client.workflow.start<typeof workflowStreamsGeneration>('workflowStreamsGeneration', {
        taskQueue,
        workflowId: `wsgen-${generationId}`,
        args: [input],
      });
      const deliveryMs: number[] = [];
      let itemsPerSubscriber: number[];
      try {
        itemsPerSubscriber = await Promise.all(Array.from({ length: options.subscribers }, () => subscribeToEnd(client, handle.workflowId, deliveryMs)));
      } catch (err) {
        // Ends the other subscribers too (they stop once the workflow is closed); e.g. Temporal's 2,000 updates per run.
        await handle.terminate('bench: a workflow-streams subscriber failed').catch(() => undefined);
        throw err;
      }
      const result = await handle.result();
      return { workflowId: handle.workflowId, firstRunId: handle.firstExecutionRunId, result, itemsPerSubscriber, deliveryMs };
    },
    async close() {
      if (runningWorker.getState() === 'RUNNING') runningWorker.shutdown();
      await workerRun;
      await fake.close();
      fs.rmSync(workspaceRoot, { recursive: true, force: true });
    },
  };
}

/** One subscriber as the sample's run-llm.ts reads: all topics from offset 0 until `complete`. */
async function subscribeToEnd(client: Client, workflowId: string, deliveryMs: number[]): Promise<number> {
  const stream = WorkflowStreamClient.create(client, workflowId);
  let items = 0;
  for await (const item of stream.subscribe(allTopics, 0)) {
    items++;
    if (item.topic === Topic.delta) deliveryMs.push(Date.now() - defaultPayloadConverter.fromPayload<TextDelta>(item.data).at);
    if (item.topic === Topic.complete) break;
  }
  return items;
}
