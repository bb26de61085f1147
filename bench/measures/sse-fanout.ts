import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Scenario } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { startChild, type BenchChild } from '../lib/child-process';
import type { BenchContext, BenchResults } from '../lib/results';
import type { SseChildReport } from '../lib/sse-subscriber-child';
import { startStack, type BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { GenerationClient, promptFor } from './generation-client';
import { fillerText } from './scripted-stream';
import { SignalRecorder } from './signal-recorder';
import { stackEnv } from './stack-env';

const tokensPerSecond = 50;
const batchMs = 100;

interface Plan {
  subscribers: number;
  /** Child processes the subscribers are spread over (the API process must not also run them). */
  clientProcesses: number;
  /** Quiet start (the model sends only pings) while the subscribers connect, then this many seconds of stream. */
  connectSeconds: number;
  streamSeconds: number;
}

const fullPlan: Plan = { subscribers: 1_000, clientProcesses: 2, connectSeconds: 5, streamSeconds: 20 };
const quickPlan: Plan = { subscribers: 50, clientProcesses: 1, connectSeconds: 2, streamSeconds: 5 };

/**
 * Many SSE subscribers of one live generation on one API process. The subscribers run in child
 * processes; this process is the API (and worker), so its event loop and CPU, and the queries its
 * reader sends to Temporal, are what is measured. Delivery is timed per text delta and subscriber, from
 * the signal carrying the batch leaving the model activity to the subscriber holding the parsed event,
 * for deltas streamed after the subscriber connected (the quiet start lets every one connect first).
 */
export async function measureSseFanout(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const plan = ctx.quick ? quickPlan : fullPlan;
  const signals = new SignalRecorder();
  const stack = await startStack(temporal, { 'sse-fanout': fanoutScenario(plan) }, stackEnv({ TOOLSTREAM_TEXT_BATCH_MS: String(batchMs) }), {
    clientInterceptors: signals.interceptors(),
  });
  const children: BenchChild[] = [];
  try {
    for (let i = 0; i < plan.clientProcesses; i++) children.push(await startChild({ name: `sse-subscribers-${i}`, entry: 'bench/lib/sse-subscriber-child.ts', env: {} }));
    const reader = stack.toolstream.generations.reader;
    const queriesBefore = reader.stats.queries;
    const { id } = await new GenerationClient(stack.url).create(promptFor('sse-fanout'));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const timeoutMs = (plan.connectSeconds + plan.streamSeconds) * 1000 + 120_000;
    const reports = (await Promise.all(
      splitEvenly(plan.subscribers, plan.clientProcesses).map((subscribers, i) =>
        children[i].request({ type: 'start', url: stack.url, id, subscribers, timeoutMs }, 'report', timeoutMs + 30_000),
      ),
    )) as unknown as SseChildReport[];
    const durationMs = Date.now() - startedAt;
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const queries = reader.stats.queries - queriesBefore;

    const workflowId = workflowIdFor(id);
    const fromFirst: number[] = [];
    const fromSent: number[] = [];
    for (const report of reports) {
      report.deltaAtMs.forEach((atMs, i) => {
        fromFirst.push(report.deliveryMs[i]);
        const sentAt = signals.textSentAt(workflowId, new Date(atMs).toISOString());
        // seen - sent = (seen - at) - (sent - at): both clocks are this machine's.
        if (sentAt !== undefined) fromSent.push(report.deliveryMs[i] - (sentAt - atMs));
      });
    }
    const errors = sum(reports.map((r) => r.errors));
    const finished = sum(reports.map((r) => r.finished));
    const delivery = summarize(fromSent);
    const connect = summarize(reports.flatMap((r) => r.connectMs));
    const result = {
      subscribers: plan.subscribers,
      errors,
      unfinished: plan.subscribers - finished,
      deliveryP50Ms: delivery.p50,
      deliveryP99Ms: delivery.p99,
      deliveryFromSentMs: delivery,
      deliveryFromFirstDeltaMs: summarize(fromFirst),
      connectMs: connect,
      eventsPerSubscriber: `${Math.min(...reports.map((r) => r.eventsSeenMin))}..${Math.max(...reports.map((r) => r.eventsSeenMax))}`,
      maxQueriesInFlightPerGeneration: reader.stats.maxQueriesInFlightPerGeneration,
      queries,
      queriesPerSec: round1(queries / (durationMs / 1000)),
      durationMs,
      clientProcesses: plan.clientProcesses,
      serverCpuPercent: round1(((cpu.user + cpu.system) / 1000 / durationMs) * 100),
      serverLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
      clientLoopDelayP99Ms: round1(Math.max(...reports.map((r) => r.loopDelayP99Ms))),
    };
    ctx.log(`sse fanout: ${JSON.stringify(result)}`);
    for (const sample of reports.flatMap((r) => r.errorSamples).slice(0, 5)) ctx.log(`sse fanout: error: ${sample}`);
    if (fromSent.length === 0) throw new Error('sse fanout: no live text delta matched a recorded signal');
    return {
      sseFanout: result,
      samples: { sseFanoutDeliveryFromSent: fromSent },
      settings: { sseFanout: { ...plan, tokensPerSecond, batchMs } },
    };
  } finally {
    await Promise.all(children.map((child) => child.stop(2_000)));
    await stack.close();
  }
}

/** A quiet start while the subscribers connect, then text with two quick tools: a steady flow of new events. */
function fanoutScenario(plan: Plan): Scenario {
  const share = (part: number): string => fillerText(plan.streamSeconds * tokensPerSecond * part);
  return [
    {
      steps: [
        { type: 'pause', ms: plan.connectSeconds * 1000 },
        { type: 'text', text: share(0.35) },
        { type: 'tool_use', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
        { type: 'text', text: share(0.35) },
        { type: 'tool_use', name: 'sleep', input: { ms: 300 } },
        { type: 'text', text: share(0.2) },
      ],
      tokensPerSecond,
    },
    { steps: [{ type: 'text', text: share(0.1) }], tokensPerSecond },
  ];
}

function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
