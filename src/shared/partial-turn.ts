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
  /** Tool calls whose input is left out here: the workflow received it with the call, and puts it back. */
  inputsOmitted?: string[];
}

/**
 * A tool call's input is carried once, by the signal that delivered the call; what follows (the
 * heartbeat, the activity's result, the answer to a claim) names the call and leaves the input out,
 * so a 1 MB file written by a tool is not three more megabytes in Temporal.
 */
export function withoutInputs<T extends { content: ContentBlockParam[]; toolCalls: DetectedToolCall[]; inputsOmitted?: string[] }>(
  turn: T,
  ids: ReadonlySet<string>,
): T {
  const omitted = turn.toolCalls.filter((call) => ids.has(call.id)).map((call) => call.id);
  if (omitted.length === 0) return turn;
  const omit = new Set(omitted);
  return {
    ...turn,
    content: turn.content.map((block) => (block.type === 'tool_use' && omit.has(block.id) ? { ...block, input: {} } : block)),
    toolCalls: turn.toolCalls.map((call) => (omit.has(call.id) ? { ...call, input: {} } : call)),
    inputsOmitted: [...new Set([...(turn.inputsOmitted ?? []), ...omitted])],
  };
}

/** A failed attempt that already handed tool calls over ends its turn there, as if the model had asked for tools. */
export function commitPartialTurn(partial: PartialTurn, costUsd: number | null, interruption: string): ModelTurnResult {
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
    ...(partial.inputsOmitted ? { inputsOmitted: partial.inputsOmitted } : {}),
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
