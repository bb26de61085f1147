import type { MessagesRequestBody, ScenarioFunction, ScriptedTurn, ScriptStep } from '../../src/fake-anthropic';
import { seededRandom } from '../../src/fake-anthropic/prng';

/**
 * The realistic scenario of issue 13, beside the capacity measure's stress scenario (paced-tools-scenario.ts):
 * a model streaming one token per SSE event at `tokensPerSecond`, a tool call every `meanToolGapMs` on
 * average (each gap drawn uniformly from mean × (1 ± jitter), from a seed, so a run is reproducible), text
 * between the calls, over `iterations` model turns. Turns 1..n−1 each stream `toolsPerTurn` calls and end
 * on the last one (stop reason tool_use, as Claude ends a turn that asks for tools); the last turn answers
 * in text only, streaming `finalTurnMs`.
 */
export interface RealisticOptions {
  tokensPerSecond: number;
  iterations: number;
  toolsPerTurn: number;
  meanToolGapMs: number;
  /** Gaps vary by ± this fraction of the mean. */
  jitter: number;
  finalTurnMs: number;
  /** Each call is `sleep {ms: toolMs}`. */
  toolMs: number;
}

export const realisticDefaults: RealisticOptions = {
  tokensPerSecond: 50,
  iterations: 5,
  toolsPerTurn: 2,
  meanToolGapMs: 3000,
  jitter: 0.6,
  finalTurnMs: 3000,
  toolMs: 100,
};

/** The scenario name the fake model serves it under; prompts carry `[[scenario:realistic]] seed <n>`. */
export const realisticScenarioName = 'realistic';

export function realisticPrompt(seed: number, label = ''): string {
  return `[[scenario:${realisticScenarioName}]] seed ${seed} ${label}`.trim();
}

export function realisticToolCalls(options: RealisticOptions): number {
  return (options.iterations - 1) * options.toolsPerTurn;
}

/** The model's streaming time of one generation (every turn, no tool or Temporal time): the mean, jitter averages out. */
export function realisticStreamMs(options: RealisticOptions): number {
  return realisticToolCalls(options) * options.meanToolGapMs + options.finalTurnMs;
}

const words = 'we read the file then change the function and run the tests again before the next step of the plan '.split(' ');

function prose(ms: number, tokensPerSecond: number, offset: number): string {
  // ~4 characters a token (src/fake-anthropic/tokens.ts), one token per SSE event (the fake's default chunk).
  const chars = Math.max(4, Math.round((ms / 1000) * tokensPerSecond * 4));
  let text = '';
  for (let i = offset; text.length < chars; i++) text += `${words[i % words.length]} `;
  return text.slice(0, chars);
}

/** The first user message's `seed <n>`; 0 without one. */
function seedOf(request: MessagesRequestBody): number {
  const first = request.messages[0];
  const content = typeof first?.content === 'string' ? first.content : (first?.content ?? []).map((block) => block.text ?? '').join(' ');
  return Number(/\bseed (\d+)/.exec(content)?.[1] ?? 0);
}

/** One generation's turns, deterministic in (options, seed). */
export function realisticTurns(options: RealisticOptions, seed: number): ScriptedTurn[] {
  const random = seededRandom(`realistic-${seed}`);
  const toolInput = { ms: options.toolMs };
  const toolJsonMs = (JSON.stringify(toolInput).length / 4 / options.tokensPerSecond) * 1000;
  const turns: ScriptedTurn[] = [];
  for (let turn = 0; turn < options.iterations - 1; turn++) {
    const steps: ScriptStep[] = [];
    for (let call = 0; call < options.toolsPerTurn; call++) {
      const gap = options.meanToolGapMs * (1 + options.jitter * (2 * random() - 1));
      steps.push({ type: 'text', text: prose(Math.max(100, gap - toolJsonMs), options.tokensPerSecond, turn * 7 + call) });
      steps.push({ type: 'tool_use', name: 'sleep', input: toolInput });
    }
    turns.push({ steps, tokensPerSecond: options.tokensPerSecond, jsonChunking: 4 });
  }
  turns.push({
    steps: [{ type: 'text', text: prose(options.finalTurnMs, options.tokensPerSecond, 3) }],
    tokensPerSecond: options.tokensPerSecond,
    stopReason: 'end_turn',
  });
  return turns;
}

/** The fake model's scenario: each generation's turns from the seed in its prompt. */
export function realisticScenario(options: RealisticOptions): ScenarioFunction {
  const cache = new Map<number, ScriptedTurn[]>();
  return (request, ctx) => {
    const seed = seedOf(request);
    let turns = cache.get(seed);
    if (!turns) {
      turns = realisticTurns(options, seed);
      cache.set(seed, turns);
    }
    return turns[Math.min(ctx.turn, turns.length - 1)];
  };
}
