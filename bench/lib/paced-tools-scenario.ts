import type { ScriptedTurn, ScriptStep } from '../../src/fake-anthropic';

export interface PacedToolsOptions {
  tokensPerSecond: number;
  /** How long the first turn streams, text and tool calls together. */
  streamMs: number;
  /** A tool call completes every this many milliseconds of stream; none at the very end. */
  toolEveryMs: number;
  /** Each call is `sleep {ms: toolMs}`: cheap, and shares no resource with its siblings. */
  toolMs: number;
}

/** ~4 characters per token (src/fake-anthropic/tokens.ts), so this many characters stream in `ms` at `rate`. */
function charsFor(ms: number, tokensPerSecond: number): number {
  return Math.max(4, Math.round((ms / 1000) * tokensPerSecond * 4));
}

const words = 'the quick brown fox jumps over a lazy dog while streaming tokens at a steady pace and tools run beside it '.split(' ');

function prose(chars: number, seed: number): string {
  let text = '';
  for (let i = seed; text.length < chars; i++) text += `${words[i % words.length]} `;
  return text.slice(0, chars);
}

/**
 * A model that streams steadily for `streamMs`, handing over a cheap tool call every `toolEveryMs`
 * (so dispatch latency is sampled all through the stream), then answers the tool results with a
 * short final text. Two turns, the second ends the generation.
 */
export function pacedToolsScenario(options: PacedToolsOptions): ScriptedTurn[] {
  const toolInput = { ms: options.toolMs };
  const toolJsonMs = (JSON.stringify(toolInput).length / 4 / options.tokensPerSecond) * 1000;
  const tools = Math.max(1, Math.ceil(options.streamMs / options.toolEveryMs) - 1);
  const steps: ScriptStep[] = [];
  for (let i = 0; i < tools; i++) {
    steps.push({ type: 'text', text: prose(charsFor(options.toolEveryMs - toolJsonMs, options.tokensPerSecond), i) });
    steps.push({ type: 'tool_use', name: 'sleep', input: toolInput });
  }
  const tail = options.streamMs - tools * options.toolEveryMs;
  steps.push({ type: 'text', text: prose(charsFor(tail, options.tokensPerSecond), tools) });
  return [
    { steps, tokensPerSecond: options.tokensPerSecond, jsonChunking: 4 },
    { steps: [{ type: 'text', text: 'All tools ran.' }], tokensPerSecond: options.tokensPerSecond, stopReason: 'end_turn' },
  ];
}

export function toolCallsPerGeneration(options: PacedToolsOptions): number {
  return Math.max(1, Math.ceil(options.streamMs / options.toolEveryMs) - 1);
}
