import type { ContentBlockParam, DetectedToolCall } from '../shared/model-turn';
import type { Conversation } from './conversation';
import type { Recorder } from './recorder';
import type { ToolResultBlock, ToolScheduler } from './tool-scheduler';

/** The part of a turn a cancel cut short: what the model said and the calls it made, in stream order. */
export interface UnfinishedTurn {
  content: ContentBlockParam[];
  toolCalls: DetectedToolCall[];
}

/**
 * Keeps what really happened in a turn the cancel cut short, so a follow-up continues from it: the
 * text streamed so far, every tool call with its real result when it completed (or failed), and an
 * `is_error` result for the ones the cancel interrupted or never started. Each tool_use gets exactly
 * one tool_result, as the API wants. Call it once every tool has settled.
 */
export async function keepCancelledTurn(turn: UnfinishedTurn | undefined, scheduler: ToolScheduler, recorder: Recorder, conversation: Conversation): Promise<void> {
  if (!turn) return;
  const content = turn.content.filter((block) => block.type !== 'text' || block.text.length > 0);
  if (content.length === 0) return;
  const started = new Set(recorder.state.tools.map((tool) => tool.id));
  const results = await Promise.all(turn.toolCalls.map((call) => (started.has(call.id) ? resultOf(scheduler, call) : interrupted(call))));
  conversation.commitTurn(content, results);
}

async function resultOf(scheduler: ToolScheduler, call: DetectedToolCall): Promise<ToolResultBlock> {
  try {
    const [result] = await scheduler.resultsFor([call]);
    return result;
  } catch {
    return interrupted(call);
  }
}

function interrupted(call: DetectedToolCall): ToolResultBlock {
  return { type: 'tool_result', tool_use_id: call.id, content: `${call.name} was interrupted by cancel before it ran.`, is_error: true };
}
