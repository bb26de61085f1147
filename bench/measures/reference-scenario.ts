import type { RecordedResponse, Scenario, ScriptStep } from '../../src/fake-anthropic';
import { textFor, toolInputTokens } from './scripted-stream';

export const referenceTokensPerSecond = 50;

/**
 * The reference scenario at full scale: a 30 s stream with 8 independent tool calls (sleeps of 0.5–3 s)
 * whose blocks stop at these points; the last one outlasts the stream, so the critical path is a tool.
 */
export const referenceTools: readonly { stopAtSeconds: number; ms: number }[] = [
  { stopAtSeconds: 2.0, ms: 1500 },
  { stopAtSeconds: 5.5, ms: 800 },
  { stopAtSeconds: 9.0, ms: 3000 },
  { stopAtSeconds: 13.0, ms: 500 },
  { stopAtSeconds: 17.0, ms: 2200 },
  { stopAtSeconds: 21.0, ms: 1200 },
  { stopAtSeconds: 25.0, ms: 2600 },
  { stopAtSeconds: 28.8, ms: 2200 },
];
export const referenceStreamSeconds = 30;
/** The short answer after the tool results: it is part of every mode's wall time. */
export const referenceFinalTurnSeconds = 1;

/** The scenario with its time axis (stream and tool durations) multiplied by `scale`; the token rate stays. */
export function referenceScenario(scale: number): Scenario {
  const rate = referenceTokensPerSecond;
  const steps: ScriptStep[] = [];
  let at = 0;
  for (const tool of referenceTools) {
    const input = { ms: Math.round(tool.ms * scale) };
    const jsonSeconds = toolInputTokens(input) / rate;
    steps.push(...textFor(tool.stopAtSeconds * scale - jsonSeconds - at, rate), { type: 'tool_use', name: 'sleep', input });
    at = tool.stopAtSeconds * scale;
  }
  steps.push(...textFor(referenceStreamSeconds * scale - at, rate));
  return [
    { steps, tokensPerSecond: rate },
    { steps: textFor(referenceFinalTurnSeconds * scale, rate), tokensPerSecond: rate },
  ];
}

/**
 * The ideal wall time of one run, from what the fake model recorded of it: a system with zero overhead
 * would start streaming at the request, start each tool at its content_block_stop (as the model server
 * wrote it), run it for exactly its nominal duration, and send the final request the instant the stream
 * and every tool are done. So ideal = max(stream end, max over tools of block stop + duration) − stream
 * start, plus the final turn's own stream time.
 */
export function idealWallMs(first: RecordedResponse, final: RecordedResponse, scale: number): number {
  if (first.endedAt === undefined || final.endedAt === undefined) throw new Error('the reference streams did not complete');
  const toolStops = first.blockStops.filter((stop) => stop.type === 'tool_use');
  if (toolStops.length !== referenceTools.length) throw new Error(`expected ${referenceTools.length} tool blocks, the fake recorded ${toolStops.length}`);
  const toolsDone = Math.max(...toolStops.map((stop, i) => stop.at + Math.round(referenceTools[i].ms * scale)));
  return Math.max(first.endedAt, toolsDone) - first.startedAt + (final.endedAt - final.startedAt);
}
