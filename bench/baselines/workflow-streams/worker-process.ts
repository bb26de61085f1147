import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime, Worker, type ActivityExecuteInput, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import type { ToolRunInput } from '../../../src/shared/model-turn';
import { createToolRegistry } from '../../../src/tools';
import { answerGc, reportLoopStats, sendToParent, serveParent, stopWorker, untilRunning } from '../../lib/child-entry';
import { createWorkflowStreamsActivities } from './activities';
import { bundleWorkflowStreams } from './bundle';
import type { StreamTurnInput } from './shared';

/**
 * Baseline (c)'s worker alone in its own process, so its CPU and memory can be read on their own, as the
 * load measures read ours (bench/lib/worker-process.ts). Configured like ours where the two share a knob:
 * the same heartbeat throttle and activity slots. It records, per tool call, when the model turn that
 * asked for it ended and when the tool's code started (both on this process's clock), and hands them to
 * the parent on `{type: 'timings'}`: (c)'s dispatch is timed from the moment its design lets a tool start.
 * Env: TEMPORAL_ADDRESS, BENCH_TASK_QUEUE, ANTHROPIC_BASE_URL.
 */

const heartbeatIntervalMs = 500;
const maxConcurrentActivities = 1000;

export interface WorkflowStreamsToolTiming {
  generationId: string;
  /** The fake model's tool ids repeat across generations of one scenario: a call is (generationId, toolUseId). */
  toolUseId: string;
  /** The model activity saw its stream end (after message_stop, before flushing its last batch and returning). */
  turnEndedAt: number;
  /** The tool activity started running (our `runTool`, whose own clock starts right after). */
  codeStartedAt: number;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = required('TEMPORAL_ADDRESS');
  const workspaceRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-streams-worker-'));
  const turnEnds = new Map<string, number>();
  const codeStarts = new Map<string, number>();
  const base = createWorkflowStreamsActivities({
    anthropic: new Anthropic({ apiKey: 'sk-ant-bench-not-secret', baseURL: required('ANTHROPIC_BASE_URL'), maxRetries: 0 }),
    tools: createToolRegistry({ testTools: true }),
    workspaceRoot,
    maxFileBytes: 1_000_000,
    heartbeatIntervalMs,
    payloadLimitBytes: null,
  });
  const activities: typeof base = {
    async streamTurn(input: StreamTurnInput) {
      const result = await base.streamTurn(input);
      // The activity's own return is the earliest its workflow can learn of the calls; take its stream end
      // as the latest moment before that: the model's last byte (message_stop), known in `ended` below.
      const ended = lastStreamEnd.get(Context.current().info.activityId) ?? Date.now();
      for (const call of result.toolCalls) turnEnds.set(callKey(input.generationId, call.id), ended);
      return result;
    },
    async runTool(input: ToolRunInput) {
      codeStarts.set(callKey(input.generationId, input.toolUseId), Date.now());
      return base.runTool(input);
    },
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue: required('BENCH_TASK_QUEUE'),
    workflowBundle: await bundleWorkflowStreams(),
    activities,
    maxConcurrentActivityTaskExecutions: maxConcurrentActivities,
    maxHeartbeatThrottleInterval: heartbeatIntervalMs,
    defaultHeartbeatThrottleInterval: heartbeatIntervalMs,
    interceptors: { activity: [() => ({ inbound: new StreamEndRecorder() })] },
  });
  const running = worker.run();
  const stopStats = reportLoopStats(Number(process.env.BENCH_STATS_MS ?? 1000));
  serveParent(
    (message) => {
      if (message.type === 'timings') {
        const timings: WorkflowStreamsToolTiming[] = [];
        for (const [key, codeStartedAt] of codeStarts) {
          const turnEndedAt = turnEnds.get(key);
          const [generationId, toolUseId] = JSON.parse(key) as [string, string];
          if (turnEndedAt !== undefined) timings.push({ generationId, toolUseId, turnEndedAt, codeStartedAt });
        }
        codeStarts.clear();
        turnEnds.clear();
        lastStreamEnd.clear();
        sendToParent({ type: 'timings', timings });
      }
      answerGc(message);
    },
    async () => {
      stopStats();
      await stopWorker(worker, running);
      await connection.close();
      fs.rmSync(workspaceRoot, { recursive: true, force: true });
    },
  );
  await untilRunning(worker);
  sendToParent({ type: 'ready', pid: process.pid });
  await running;
}

function callKey(generationId: string, toolUseId: string): string {
  return JSON.stringify([generationId, toolUseId]);
}

/** Model activity id → when its stream's `for await` ended: the SDK stream is read inside base.streamTurn. */
const lastStreamEnd = new Map<string, number>();

/**
 * Marks the end of the model stream without changing the baseline's activity: the activity heartbeats on
 * every SSE event, so the last heartbeat of a streamTurn attempt is the stream's last event.
 */
class StreamEndRecorder implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: (input: ActivityExecuteInput) => Promise<unknown>): Promise<unknown> {
    const ctx = Context.current();
    if (ctx.info.activityType !== 'streamTurn') return next(input);
    const heartbeat = ctx.heartbeat.bind(ctx);
    const id = ctx.info.activityId;
    (ctx as { heartbeat: (details?: unknown) => void }).heartbeat = (details?: unknown) => {
      lastStreamEnd.set(id, Date.now());
      heartbeat(details);
    };
    return next(input);
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
