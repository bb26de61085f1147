import type { ScriptStep } from '../../src/fake-anthropic';

/** The fake paces by ~4 characters per token (src/fake-anthropic/tokens.ts); scenarios are laid out in tokens. */
const charsPerToken = 4;

const words = ['the', 'stream', 'goes', 'on', 'while', 'tools', 'run', 'and', 'each', 'call', 'starts', 'at', 'once', 'model', 'text'];

/** Plausible prose of about `tokens` tokens: only its length matters, for pacing. */
export function fillerText(tokens: number): string {
  const target = Math.max(1, Math.round(tokens * charsPerToken));
  let text = '';
  for (let i = 0; text.length < target; i++) text += `${words[i % words.length]} `;
  return text.slice(0, target);
}

/** Tokens the fake spends streaming a tool call's input JSON. */
export function toolInputTokens(input: unknown): number {
  return JSON.stringify(input).length / charsPerToken;
}

/** A text step of `seconds` of streaming at `tokensPerSecond`, or nothing when there is no time for one. */
export function textFor(seconds: number, tokensPerSecond: number): ScriptStep[] {
  const tokens = seconds * tokensPerSecond;
  return tokens >= 1 ? [{ type: 'text', text: fillerText(tokens) }] : [];
}
