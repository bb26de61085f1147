import type { MessagesRequestBody, ScriptedTurn, StopReason } from './types';
import { estimateTokens, roundTokens } from './tokens';

/** Roughly one token per delta, like the real API's text streaming granularity. */
export const DEFAULT_CHUNK_CHARS = 4;

/** What the real API would report for this turn when the script does not say. */
export function resolveStopReason(turn: ScriptedTurn): StopReason {
  if (turn.stopReason) return turn.stopReason;
  const toolUses = turn.steps.filter((s) => s.type === 'tool_use');
  if (toolUses.some((s) => s.cut)) return 'max_tokens';
  return toolUses.length > 0 ? 'tool_use' : 'end_turn';
}

/** The request size is a fair proxy for prompt tokens and keeps numbers plausible. */
export function resolveInputTokens(turn: ScriptedTurn, request: MessagesRequestBody): number {
  return turn.usage?.inputTokens ?? Math.max(1, roundTokens(estimateTokens(JSON.stringify(request).length)));
}

export interface ResolvedInputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function resolveInputUsage(turn: ScriptedTurn, request: MessagesRequestBody): ResolvedInputUsage {
  return {
    input_tokens: resolveInputTokens(turn, request),
    cache_creation_input_tokens: turn.usage?.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: turn.usage?.cacheReadInputTokens ?? 0,
  };
}

/** Final output_tokens: the scripted figure, else the estimate of what was emitted. */
export function resolveOutputTokens(turn: ScriptedTurn, emittedChars: number): number {
  return turn.usage?.outputTokens ?? Math.max(1, roundTokens(estimateTokens(emittedChars)));
}

/** Mid-stream output_tokens: the estimate of what was emitted so far, capped at the scripted final figure. */
export function outputTokensSoFar(turn: ScriptedTurn, emittedChars: number): number {
  const soFar = Math.max(1, roundTokens(estimateTokens(emittedChars)));
  return Math.min(soFar, resolveOutputTokens(turn, emittedChars));
}
