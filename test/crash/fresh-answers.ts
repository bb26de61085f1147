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
