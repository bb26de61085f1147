import { startFakeAnthropic, type FakeAnthropicServer, type RecordedResponse } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { runInProcessLoop } from '../baselines/in-process-loop';
import type { BenchContext, BenchResults, ReferenceTimeline } from '../lib/results';
import { startStack, type BenchTemporal } from '../lib/stack';
import { awaitGeneration } from './await-generation';
import { eventsOfType, GenerationClient, promptFor } from './generation-client';
import { stackEnv } from './stack-env';
import { warmUp, warmupScenario, warmupScenarioName } from './warmup';
import { idealWallMs, referenceScenario, referenceStreamSeconds, referenceTools } from './reference-scenario';

/** Quick mode runs the reference scenario with its time axis shrunk by this factor (the page says so). */
const quickTimeScale = 0.25;

export const OverlapMode = {
  incremental: 'incremental',
  afterStream: 'after-stream',
  inProcess: 'in-process',
} as const;
export type OverlapMode = (typeof OverlapMode)[keyof typeof OverlapMode];

interface ModeRun {
  wallMs: number;
  idealMs: number;
  timeline: ReferenceTimeline;
}

/**
 * Measure 2: wall time of the reference scenario (8 tools over a 30 s stream, then a short final turn)
 * for ours (tools start at their block stop), baseline (b) after-stream, baseline (a) in-process, and
 * the ideal. Wall time is the request leaving the client → the generation's final event (`at`,
 * generation.completed); for the in-process loop, loop start → loop end.
 */
export async function measureOverlap(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const scale = ctx.quick ? quickTimeScale : 1;
  const runs: Record<OverlapMode, ModeRun> = {
    [OverlapMode.incremental]: await runDurable(temporal, scale, 'incremental'),
    [OverlapMode.afterStream]: await runDurable(temporal, scale, 'after-stream'),
    [OverlapMode.inProcess]: await runInProcess(scale),
  };
  for (const [mode, run] of Object.entries(runs)) ctx.log(`reference scenario, ${mode}: ${run.wallMs} ms (ideal ${run.idealMs} ms)`);
  const incremental = runs[OverlapMode.incremental];
  return {
    reference: {
      idealMs: incremental.idealMs,
      incrementalMs: incremental.wallMs,
      afterStreamMs: runs[OverlapMode.afterStream].wallMs,
      inProcessMs: runs[OverlapMode.inProcess].wallMs,
      timelines: Object.fromEntries(Object.entries(runs).map(([mode, run]) => [mode, run.timeline])),
      timeScale: scale,
      idealByModeMs: Object.fromEntries(Object.entries(runs).map(([mode, run]) => [mode, run.idealMs])),
    },
    settings: {
      overlap: {
        timeScale: scale,
        streamSeconds: referenceStreamSeconds * scale,
        tools: referenceTools.map((tool) => `sleep ${Math.round(tool.ms * scale)} ms at ${(tool.stopAtSeconds * scale).toFixed(2)} s`).join('; '),
      },
    },
  };
}

async function runDurable(temporal: BenchTemporal, scale: number, dispatch: 'incremental' | 'after-stream'): Promise<ModeRun> {
  const scenarios = { reference: referenceScenario(scale), [warmupScenarioName]: warmupScenario };
  const stack = await startStack(temporal, scenarios, stackEnv({ TOOLSTREAM_TOOL_DISPATCH: dispatch }));
  try {
    await warmUp(stack, temporal);
    const client = new GenerationClient(stack.url);
    const { id, requestedAt } = await client.create(promptFor('reference'));
    await awaitGeneration(temporal, id);
    const events = await client.allEvents(id);
    const [first, final] = referenceResponses(stack.fake);
    const completed = eventsOfType(events, 'generation.completed')[0];
    if (!completed) throw new Error(`reference generation (${dispatch}) did not complete: ${events.at(-1)?.type ?? 'no events'}`);
    const toolsDone = eventsOfType(events, 'tool.completed').length;
    if (toolsDone !== referenceTools.length) throw new Error(`reference generation (${dispatch}): ${toolsDone} of ${referenceTools.length} tools completed`);
    const endMs = Date.parse(completed.at) - requestedAt;
    return {
      wallMs: endMs,
      idealMs: idealWallMs(first, final, scale),
      timeline: { ...streamSpans(first, final, requestedAt), tools: toolSpans(events, requestedAt), endMs },
    };
  } finally {
    await stack.close();
  }
}

async function runInProcess(scale: number): Promise<ModeRun> {
  const fake = await startFakeAnthropic({ scenarios: { reference: referenceScenario(scale), [warmupScenarioName]: warmupScenario } });
  try {
    await runInProcessLoop({ baseUrl: fake.url, prompt: promptFor(warmupScenarioName) });
    const run = await runInProcessLoop({ baseUrl: fake.url, prompt: promptFor('reference') });
    const failed = run.tools.find((tool) => tool.error !== undefined);
    if (failed || run.tools.length !== referenceTools.length) throw new Error(`in-process reference run: tools ${JSON.stringify(run.tools)}`);
    const [first, final] = referenceResponses(fake);
    const endMs = run.endedAt - run.startedAt;
    return {
      wallMs: endMs,
      idealMs: idealWallMs(first, final, scale),
      timeline: {
        ...streamSpans(first, final, run.startedAt),
        tools: run.tools.map((tool) => ({ name: tool.summary, startMs: tool.startedAt - run.startedAt, endMs: tool.endedAt - run.startedAt })),
        endMs,
      },
    };
  } finally {
    await fake.close();
  }
}

function referenceResponses(fake: FakeAnthropicServer): [RecordedResponse, RecordedResponse] {
  const ofTurn = (turn: number): RecordedResponse => {
    const found = fake.responses.find((response) => response.scenario === 'reference' && response.turn === turn && response.endedAt !== undefined);
    if (!found) throw new Error(`the fake model has no completed reference stream for turn ${turn}`);
    return found;
  };
  return [ofTurn(0), ofTurn(1)];
}

function streamSpans(first: RecordedResponse, final: RecordedResponse, t0: number): Pick<ReferenceTimeline, 'streamStartMs' | 'streamEndMs' | 'finalTurn'> {
  return {
    streamStartMs: first.startedAt - t0,
    streamEndMs: (first.endedAt ?? first.startedAt) - t0,
    finalTurn: { startMs: final.startedAt - t0, endMs: (final.endedAt ?? final.startedAt) - t0 },
  };
}

/** Each tool's code running, in stream order: tool.completed.at − durationMs → tool.completed.at, on the worker's clock. */
function toolSpans(events: readonly GenerationEvent[], t0: number): ReferenceTimeline['tools'] {
  const completed = eventsOfType(events, 'tool.completed');
  return eventsOfType(events, 'tool.detected').flatMap((call) => {
    const done = completed.find((event) => event.toolUseId === call.toolUseId);
    if (!done) return [];
    const end = Date.parse(done.at) - t0;
    return [{ name: call.summary, startMs: end - done.durationMs, endMs: end }];
  });
}
