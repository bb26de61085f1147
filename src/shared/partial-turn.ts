import type { ContentBlockParam, DetectedToolCall, ModelTurnResult } from './model-turn';
import type { Usage } from './usage';

/**
 * What an attempt has streamed for certain: the blocks that completed and the tool calls already
 * handed to the workflow. Heartbeated, so that a retry after the worker died can commit it instead
 * of asking the model again (which would answer differently and could run a tool twice).
 */
export interface PartialTurn {
  streamAttempt: number;
  content: ContentBlockParam[];
  toolCalls: DetectedToolCall[];
  text: string;
  usage: Usage;
}

/** A failed attempt that already handed tool calls over ends its turn there, as if the model had asked for tools. */
export function commitPartialTurn(partial: PartialTurn, costUsd: number, interruption: string): ModelTurnResult {
  return {
    streamAttempt: partial.streamAttempt,
    content: withOnlyDispatchedTools(partial.content, partial.toolCalls),
    stopReason: 'tool_use',
    usage: partial.usage,
    costUsd,
    toolCalls: partial.toolCalls,
    text: partial.text,
    streamEndedAt: new Date().toISOString(),
    interruption,
  };
}

export function readPartialTurn(details: unknown): PartialTurn | undefined {
  const candidate = details as Partial<PartialTurn> | undefined;
  if (!candidate || !Array.isArray(candidate.toolCalls) || candidate.toolCalls.length === 0) return undefined;
  return candidate as PartialTurn;
}

/** Every tool_use sent back needs its tool_result; only dispatched calls will have one. */
function withOnlyDispatchedTools(content: ContentBlockParam[], calls: DetectedToolCall[]): ContentBlockParam[] {
  const ids = new Set(calls.map((call) => call.id));
  return content.filter((block) => block.type !== 'tool_use' || ids.has(block.id));
}

/**
 * A retried attempt's choice between its predecessor's last heartbeat and what the workflow says it
 * received. The workflow is the authority on which calls were handed over (a heartbeat lags by up to
 * its throttle); the heartbeat is richer (thinking blocks, usage) when it covers the same calls.
 */
export function preferredPartialTurn(heartbeat: PartialTurn | undefined, received: PartialTurn | null): PartialTurn | undefined {
  if (!received || received.toolCalls.length === 0) return heartbeat;
  if (!heartbeat || heartbeat.streamAttempt !== received.streamAttempt) return received;
  const heartbeatIds = new Set(heartbeat.toolCalls.map((call) => call.id));
  return received.toolCalls.every((call) => heartbeatIds.has(call.id)) ? heartbeat : received;
}
