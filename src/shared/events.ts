import type { AiActivity } from './ai-activity';
import type { ToolPolicy } from './tool-policy';
import type { Usage } from './usage';

/**
 * Everything a client can learn about a generation is one of these events, in `seq` order.
 * The generation state is a fold of them (see reducer.ts), so the two can never disagree.
 */
export type GenerationEventBody =
  | { type: 'generation.started'; generationId: string; prompt: string; model: string; maxIterations: number; policy?: ToolPolicy; /** The spend limit, when one was asked for. */ maxCostUsd?: number }
  | { type: 'iteration.started'; iteration: number }
  | { type: 'activity.changed'; activity: AiActivity }
  | { type: 'text.delta'; iteration: number; attempt: number; text: string }
  /** The model's thinking as it streams (shown apart from the text). */
  | { type: 'thinking.delta'; iteration: number; attempt: number; text: string }
  | { type: 'attempt.superseded'; iteration: number; attempt: number }
  /** The streaming turn's usage and cost so far (cumulative within the attempt); iteration.completed has the final figures. */
  | { type: 'usage.updated'; iteration: number; attempt: number; usage: Usage; costUsd: number | null }
  /** A model attempt that failed without a turn to keep (it was retried, or the call failed): what it cost all the same. */
  | { type: 'attempt.failed'; iteration: number; attempt: number; usage: Usage; costUsd: number | null }
  | {
      type: 'tool.detected';
      toolUseId: string;
      name: string;
      input: unknown;
      iteration: number;
      summary: string;
      /** Set when the model repeated a tool_use id already used in the generation: the id it gave; `toolUseId` is the call's own. */
      modelToolUseId?: string;
    }
  | { type: 'tool.started'; toolUseId: string; attempt: number }
  | { type: 'tool.completed'; toolUseId: string; attempt: number; resultPreview: string; durationMs: number }
  | { type: 'tool.failed'; toolUseId: string; attempt: number; error: string; willRetry: boolean }
  /** The generation was cancelled while the tool was queued or running; it did not finish. */
  | { type: 'tool.interrupted'; toolUseId: string; attempt: number }
  /** The tool failed for good and waits (until `until`) for `retry` or `skip`; its siblings go on. */
  | { type: 'tool.awaiting_decision'; toolUseId: string; until: string }
  | { type: 'tool.decided'; toolUseId: string; decision: ToolDecisionOutcome }
  /** The tool is in the policy's approval list: it waits (until `until`) for approve or deny; the stream and its siblings go on. */
  | { type: 'tool.awaiting_approval'; toolUseId: string; until: string }
  | { type: 'tool.approved'; toolUseId: string }
  /** Denied by a person, or not approved before the deadline (`by: timeout`): the model gets `reason` as an error. */
  | { type: 'tool.denied'; toolUseId: string; reason: string; by: 'user' | 'timeout' }
  /** Cancelled on its own (per-tool cancel) while queued, awaiting approval or running; the model is told so. */
  | { type: 'tool.cancelled'; toolUseId: string; attempt: number }
  | {
      type: 'iteration.completed';
      iteration: number;
      usage: Usage;
      /** Null when the model has no known price. */
      costUsd: number | null;
      stopReason: string;
      /** Set when the stream broke after tool calls were received: the turn was committed up to there. */
      interruption?: string;
    }
  /** The model call failed after its retries; the generation waits for resume, a message or cancel. */
  | { type: 'generation.blocked'; iteration: number; error: string; until: string }
  | { type: 'generation.resumed'; by: 'resume' | 'message' }
  /** A follow-up user message; it also reopens a finished generation. */
  | { type: 'message.received'; text: string }
  | { type: 'generation.completed'; stopReason: string }
  | { type: 'generation.failed'; error: string; /** Set for failures a client may act on: `budget_exceeded`. */ code?: string }
  | { type: 'generation.cancelled'; reason: string };

/** How a failed tool's wait for a decision ended. */
export type ToolDecisionOutcome = 'retry' | 'skip' | 'timeout' | 'message';

export type GenerationEventType = GenerationEventBody['type'];

/** `seq` is gap-free and increasing from 1; `at` is an ISO timestamp of when the thing happened. */
export type GenerationEvent = GenerationEventBody & { seq: number; at: string };

export type EventOf<T extends GenerationEventType> = Extract<GenerationEvent, { type: T }>;
