import type { ScenarioFunction, ScriptedTurn } from '../../src/fake-anthropic';

/**
 * A scripted model that, like a real one, answers a repeated request afresh: the same intentions
 * under new tool_use ids (`toolu_<turn>_<step>`, then `…_again<n>` on the n-th repeat). So a tool
 * call the product forgot it had dispatched would run again under another id instead of being
 * quietly deduplicated.
 */
export function freshAnswerPerCall(script: (turn: number, id: (step: string) => string) => ScriptedTurn): ScenarioFunction {
  const calls = new Map<number, number>();
  return (_request, { turn }) => {
    const call = calls.get(turn) ?? 0;
    calls.set(turn, call + 1);
    return script(turn, (step) => `toolu_${turn}_${step}${call === 0 ? '' : `_again${call}`}`);
  };
}

export const paced = { tokensPerSecond: 40 };

export const chatter = (topic: string, times: number): string => `Meanwhile, a few words about ${topic}. `.repeat(times);

/**
 * The turn a worker is killed in: it streams for seconds around its tools (count a, a 3 s nap, count b),
 * so the worker can die while the model still streams. `lead` is said first; a `leadInMs` pause after it
 * places the first tool call in the stream's timeline.
 */
export function countNapCountTurn(id: (step: string) => string, lead: string, last: string, leadInMs?: number): ScriptedTurn {
  return {
    ...paced,
    steps: [
      { type: 'text', text: lead },
      ...(leadInMs === undefined ? [] : [{ type: 'pause' as const, ms: leadInMs }]),
      { type: 'tool_use', id: id('count_a'), name: 'count', input: { key: 'a' } },
      { type: 'text', text: chatter('counting', 5) },
      { type: 'tool_use', id: id('nap'), name: 'sleep', input: { ms: 3000 } },
      { type: 'text', text: chatter('napping', 15) },
      { type: 'tool_use', id: id('count_b'), name: 'count', input: { key: 'b' } },
      { type: 'text', text: last },
    ],
  };
}

/** The turn after it: two more counts (c and d), then the model is done with tools. */
export function twoMoreCountsTurn(id: (step: string) => string): ScriptedTurn {
  return {
    ...paced,
    steps: [
      { type: 'text', text: 'Two more counts. ' },
      { type: 'tool_use', id: id('count_c'), name: 'count', input: { key: 'c' } },
      { type: 'tool_use', id: id('count_d'), name: 'count', input: { key: 'd' } },
    ],
  };
}
