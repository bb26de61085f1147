import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeAnthropic, type Scenario, type ScriptStep } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { runInProcessLoop } from '../baselines/in-process-loop';
import type { BenchContext, BenchResults, LatencySummary } from '../lib/results';
import { startStack, type BenchStack, type BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { awaitGeneration } from './await-generation';
import { describeCpu, measureCpu } from './cpu-usage';
import { dispatchSegments, DispatchSegment } from './dispatch-breakdown';
import { eventsOfType, GenerationClient, promptFor } from './generation-client';
import { SignalRecorder } from './signal-recorder';
import { stackEnv } from './stack-env';
import { warmUp, warmupScenario, warmupScenarioName } from './warmup';
import { textFor } from './scripted-stream';

/** A realistic output rate for a Sonnet-class model; the capacity measure uses the same. */
const tokensPerSecond = 50;
const toolsPerGeneration = 8;
/** A tiny tool: the measure is about when its code starts, not how long it runs. */
const toolInput = { ms: 20 };

interface Plan {
  /** Seconds of text between two tool calls. */
  gapSeconds: number;
  /** Generations each concurrent lane runs back to back, per concurrency level. */
  ours: Record<number, number>;
  inProcess: Record<number, number>;
  /** Generations per level whose histories are read to split the latency into segments. */
  breakdownGenerations: number;
}

const plans: Record<'quick' | 'full', Plan> = {
  quick: { gapSeconds: 0.3, ours: { 1: 2, 10: 1, 50: 1 }, inProcess: { 1: 2 }, breakdownGenerations: 10 },
  full: { gapSeconds: 0.5, ours: { 1: 12, 10: 4, 50: 3 }, inProcess: { 1: 4, 10: 1, 50: 1 }, breakdownGenerations: 20 },
};

/** Each generation: tool calls spread over its stream, then a short answer once their results are in. */
function dispatchScenario(gapSeconds: number): Scenario {
  const steps: ScriptStep[] = [];
  for (let i = 0; i < toolsPerGeneration; i++) {
    steps.push(...textFor(gapSeconds, tokensPerSecond), { type: 'tool_use', name: 'sleep', input: toolInput });
  }
  steps.push(...textFor(gapSeconds, tokensPerSecond));
  return [
    { steps, tokensPerSecond },
    { steps: textFor(0.2, tokensPerSecond), tokensPerSecond },
  ];
}

/**
 * Measure 1: content_block_stop seen by the model activity → the tool's code starting, at 1, 10 and 50
 * concurrent generations, and the same for the in-process loop (baseline a). Lanes start staggered
 * across one gap between tool calls, so block stops of different generations do not coincide. A short
 * unmeasured generation first warms each stack (see warmup.ts). For a sample
 * of generations the latency is split into segments from their histories, to show where time goes.
 */
export async function measureDispatchLatency(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const plan = ctx.quick ? plans.quick : plans.full;
  const scenario = dispatchScenario(plan.gapSeconds);
  const dispatchLatencyMs: Record<string, LatencySummary> = {};
  const inProcessDispatchLatencyMs: Record<string, LatencySummary> = {};
  const samples: Record<string, number[]> = {};

  const dispatchBreakdownMs: Record<string, Record<string, LatencySummary>> = {};
  /** CPU per level: the worker, API, fake model and clients share this process; the dev server is another. */
  const load: Record<string, string> = {};

  const signals = new SignalRecorder();
  const scenarios = { dispatch: scenario, [warmupScenarioName]: warmupScenario };
  const stack = await startStack(temporal, scenarios, stackEnv(), { clientInterceptors: signals.interceptors() });
  try {
    await warmUp(stack, temporal);
    for (const [level, perLane] of Object.entries(plan.ours)) {
      const concurrency = Number(level);
      const cpu = measureCpu();
      const run = await runOurs({ stack, temporal, signals, concurrency, perLane, gapSeconds: plan.gapSeconds, breakdownOf: plan.breakdownGenerations });
      load[`ours@${level}`] = describeCpu(cpu());
      dispatchLatencyMs[level] = summarize(run.latencies);
      samples[`dispatch.${level}`] = run.latencies;
      dispatchBreakdownMs[level] = Object.fromEntries(Object.entries(run.segments).map(([segment, values]) => [segment, summarize(values)]));
      ctx.log(`dispatch latency, ${concurrency} concurrent: ${JSON.stringify(dispatchLatencyMs[level])}`);
    }
  } finally {
    await stack.close();
  }

  const fake = await startFakeAnthropic({ scenarios });
  try {
    await runInProcessLoop({ baseUrl: fake.url, prompt: promptFor(warmupScenarioName) });
    for (const [level, perLane] of Object.entries(plan.inProcess)) {
      const cpu = measureCpu();
      const latencies = await runInProcess(fake.url, Number(level), perLane, plan.gapSeconds);
      load[`inProcess@${level}`] = describeCpu(cpu());
      inProcessDispatchLatencyMs[level] = summarize(latencies);
      samples[`inProcessDispatch.${level}`] = latencies;
      ctx.log(`in-process dispatch latency, ${level} concurrent: ${JSON.stringify(inProcessDispatchLatencyMs[level])}`);
    }
  } finally {
    await fake.close();
  }

  return {
    dispatchLatencyMs,
    inProcessDispatchLatencyMs,
    dispatchBreakdownMs,
    samples,
    settings: {
      dispatchLatency: {
        tokensPerSecond,
        toolsPerGeneration,
        tool: `sleep ${toolInput.ms} ms`,
        secondsBetweenToolCalls: plan.gapSeconds,
        generationsPerLane: Object.entries(plan.ours).map(([level, n]) => `${level}: ${n}`).join(', '),
        inProcessGenerationsPerLane: Object.entries(plan.inProcess).map(([level, n]) => `${level}: ${n}`).join(', '),
      },
      dispatchLoad: load,
    },
  };
}

interface OursRun {
  stack: BenchStack;
  temporal: BenchTemporal;
  signals: SignalRecorder;
  concurrency: number;
  perLane: number;
  gapSeconds: number;
  /** How many of the generations to split into segments from their histories. */
  breakdownOf: number;
}

async function runOurs(run: OursRun): Promise<{ latencies: number[]; segments: Record<DispatchSegment, number[]> }> {
  const client = new GenerationClient(run.stack.url);
  const latencies: number[] = [];
  const segments = Object.fromEntries(Object.values(DispatchSegment).map((segment) => [segment, [] as number[]])) as Record<DispatchSegment, number[]>;
  let brokenDown = 0;
  await Promise.all(
    Array.from({ length: run.concurrency }, async (_, lane) => {
      await sleep((lane * run.gapSeconds * 1000) / run.concurrency);
      for (let i = 0; i < run.perLane; i++) {
        const { id } = await client.create(promptFor('dispatch'));
        await awaitGeneration(run.temporal, id);
        const workflowId = workflowIdFor(id);
        const handle = run.temporal.env.client.workflow.getHandle(workflowId);
        const events = await client.allEvents(id);
        latencies.push(...dispatchLatencies(id, events));
        if (brokenDown++ < run.breakdownOf) {
          for (const split of dispatchSegments(workflowId, events, await handle.fetchHistory(), run.signals)) {
            for (const segment of Object.values(DispatchSegment)) segments[segment].push(split[segment]);
          }
        }
      }
    }),
  );
  return { latencies, segments };
}

/** tool.detected.at (block stop seen, worker clock) → tool.completed.at − durationMs (tool code start, worker clock). */
export function dispatchLatencies(id: string, events: readonly GenerationEvent[]): number[] {
  const completed = eventsOfType(events, 'generation.completed');
  if (completed.length !== 1) throw new Error(`generation ${id} did not complete: ${events.at(-1)?.type ?? 'no events'}`);
  const detected = eventsOfType(events, 'tool.detected');
  if (detected.length !== toolsPerGeneration) throw new Error(`generation ${id}: ${detected.length} tool calls, expected ${toolsPerGeneration}`);
  return detected.map((call) => {
    const done = eventsOfType(events, 'tool.completed').find((event) => event.toolUseId === call.toolUseId && event.attempt === 1);
    if (!done) throw new Error(`generation ${id}: tool ${call.toolUseId} never completed on its first attempt`);
    return Date.parse(done.at) - done.durationMs - Date.parse(call.at);
  });
}

async function runInProcess(baseUrl: string, concurrency: number, perLane: number, gapSeconds: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      await sleep((lane * gapSeconds * 1000) / concurrency);
      for (let i = 0; i < perLane; i++) {
        const run = await runInProcessLoop({ baseUrl, prompt: promptFor('dispatch') });
        if (run.tools.length !== toolsPerGeneration || run.tools.some((tool) => tool.error !== undefined)) {
          throw new Error(`in-process loop: expected ${toolsPerGeneration} successful tool calls, got ${JSON.stringify(run.tools)}`);
        }
        latencies.push(...run.tools.map((tool) => tool.dispatchLatencyMs));
      }
    }),
  );
  return latencies;
}
