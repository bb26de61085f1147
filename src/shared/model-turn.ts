import type Anthropic from '@anthropic-ai/sdk';
import type { ModelPhase } from './ai-activity';
import type { LiveUsage, Usage } from './usage';

/** A client tool call whose block completed in the stream, checked against the tool registry on the worker. */
export interface DetectedToolCall {
  id: string;
  name: string;
  /** The parsed input; `{}` when the model's JSON did not parse (`rejection` says so). */
  input: unknown;
  summary: string;
  /** Calls with the same key run in stream order; `null` means it shares nothing and may always run. */
  resourceKey: string | null;
  /** Why the call must not run (unknown tool, invalid input, malformed JSON); it gets an is_error result. */
  rejection: string | null;
  detectedAt: string;
  /** Set when the model's id repeated one already used in the generation: the model's id (`id` is the call's own). */
  modelToolUseId?: string;
}

export type StreamItem =
  | { type: 'text'; text: string; /** when the first delta of this batch arrived */ at: string }
  | { type: 'tool_call'; call: DetectedToolCall }
  /** The model's thinking text, batched like text (absent from signals recorded before thinking was streamed). */
  | { type: 'thinking'; text: string };

/** What the model activity tells the workflow while the stream goes on: batched text, tool calls at once. */
export interface StreamProgress {
  iteration: number;
  attempt: number;
  phase: ModelPhase;
  items: StreamItem[];
  /** The attempt's usage so far, when the stream reported new figures since the last signal (rides along, never sent alone). */
  usage?: LiveUsage;
}

export type MessageParam = Anthropic.Messages.MessageParam;
export type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

export interface ModelTurnInput {
  generationId: string;
  iteration: number;
  /** Added to the activity's attempt number: a call resumed after being blocked numbers on after the old one. */
  attemptBase: number;
  model: string;
  system?: string;
  /** The conversation so far: stored messages up to `head`, then `pending` ones the activity stores first. */
  conversation?: { head: string | null; pending: MessageParam[] };
  /** Calls scheduled before the conversation store carried the whole conversation here. */
  messages?: MessageParam[];
  maxTokens: number;
  textBatchMs: number;
  /** What this call may still spend (USD) under the generation's maxCostUsd; absent without a limit. */
  budgetUsd?: number;
}

/** What a model attempt that failed without a turn to keep cost: reported so the generation counts it. */
export interface FailedAttemptCost {
  iteration: number;
  attempt: number;
  usage: Usage;
  /** null for a model with no known price. */
  costUsd: number | null;
}

/** The failure type of a model call stopped because it reached the generation's spend limit. */
export const budgetExceededType = 'BudgetExceeded';

export interface ModelTurnResult {
  /** The activity attempt whose stream produced this content (an earlier one when a retry resumed its partial turn). */
  streamAttempt: number;
  /** The assistant content to send back: thinking with signatures, text, tool_use; cut blocks dropped. */
  content: ContentBlockParam[];
  stopReason: string;
  usage: Usage;
  /** Null when the model has no known price. */
  costUsd: number | null;
  /** Every client tool call that completed in the stream, in stream order, also those already signalled. */
  toolCalls: DetectedToolCall[];
  /** All text of this turn, to reconcile with what the signals delivered. */
  text: string;
  streamEndedAt: string;
  /** Set when the stream failed after tool calls were handed over and the turn was committed up to there. */
  interruption?: string;
  /** The stored conversation the request was made of (its pending messages now stored); absent for old-style calls. */
  requestHead?: string | null;
  /** Tool calls whose input is left out of `content` and `toolCalls`: the workflow has them from the signals. */
  inputsOmitted?: string[];
}

export interface ToolRunInput {
  generationId: string;
  toolUseId: string;
  name: string;
  input: unknown;
  attempt: number;
}

export interface ToolRunResult {
  output: string;
  resultPreview: string;
  startedAt: string;
  completedAt: string;
  durationMs: number;
}
