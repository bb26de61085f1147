import { idleActivity, type AiActivity } from './ai-activity';
import type { ToolPolicy } from './tool-policy';
import { zeroUsage, type LiveUsage, type Usage } from './usage';

export interface LiveTurnUsage extends LiveUsage {
  iteration: number;
  attempt: number;
}

export const GenerationStatus = {
  running: 'running',
  /** A tool failed for good and waits for a retry/skip decision (`onToolFailure: ask`), or a tool waits for approval. */
  waiting: 'waiting',
  /** The model call failed after its retries; waits for resume, a message or cancel. */
  blocked: 'blocked',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type GenerationStatus = (typeof GenerationStatus)[keyof typeof GenerationStatus];

const finishedStatuses: ReadonlySet<GenerationStatus> = new Set([GenerationStatus.completed, GenerationStatus.failed, GenerationStatus.cancelled]);

/** Finished generations stay finished until a follow-up message reopens them. */
export function isFinished(status: GenerationStatus): boolean {
  return finishedStatuses.has(status);
}

export const ToolStatus = {
  /** Detected; queued behind a resource, the parallel limit, the end of the stream, or between attempts. */
  pending: 'pending',
  /** In the approval list: waits for approve/deny (`awaitingApprovalUntil`). */
  awaitingApproval: 'awaiting_approval',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  /** Denied by a person, or not approved in time: it never ran. */
  denied: 'denied',
  /** Cancelled on its own by a person (per-tool cancel); its siblings went on. */
  cancelled: 'cancelled',
  /** The generation was cancelled while it was queued or running. */
  interrupted: 'interrupted',
} as const;
export type ToolStatus = (typeof ToolStatus)[keyof typeof ToolStatus];

export interface ToolState {
  /** The model's tool_use id. */
  id: string;
  name: string;
  input: unknown;
  summary: string;
  iteration: number;
  status: ToolStatus;
  attempts: number;
  detectedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  resultPreview: string | null;
  error: string | null;
  /** Set while the failed tool waits for a retry/skip decision: the deadline. */
  awaitingDecisionUntil: string | null;
  /** Set while the tool waits for approval: when it counts as denied. Absent in events folded before approvals existed. */
  awaitingApprovalUntil?: string | null;
  /** The id the model gave the call when it repeated one already used in the generation (`id` is then a new one). */
  modelToolUseId?: string;
}

/** State stays small whatever the model writes: `text` keeps this many of the latest characters. */
export const maxStateTextChars = 32_000;

/** `thinking` keeps this many of the latest characters. */
export const maxStateThinkingChars = 8_000;

export interface GenerationState {
  generationId: string;
  status: GenerationStatus;
  model: string;
  prompt: string;
  maxIterations: number;
  /** The generation's spend limit in USD, or null for none. */
  maxCostUsd: number | null;
  iteration: number;
  activity: AiActivity;
  /** Totals so far, including the streaming turn's live figures (`liveTurn`). */
  usage: Usage;
  /** US dollars so far; null once a turn of a model with no known price is in it (unknown, never $0). */
  costUsd: number | null;
  /**
   * The streaming turn's usage and cost already counted in `usage` and `costUsd`, so they can be taken
   * back out when the turn completes (its reported figures replace them) or its attempt is superseded.
   * Absent in states from before live usage.
   */
  liveTurn?: LiveTurnUsage | null;
  startedAt: string | null;
  finishedAt: string | null;
  stopReason: string | null;
  error: string | null;
  /** A machine-readable reason for `failed`, when there is one: `budget_exceeded`. */
  errorCode: string | null;
  /** While blocked: when the generation fails by itself unless resumed. */
  blockedUntil: string | null;
  tools: ToolState[];
  /** The generation's tool policy (null for generations started before policies existed). */
  policy: ToolPolicy | null;
  /**
   * The assistant text so far, superseded attempts removed: its last `maxStateTextChars` characters.
   * The whole text is in the events as they stream and in the transcript.
   */
  text: string;
  /**
   * The current iteration's thinking as it streamed, superseded attempts removed: its last
   * `maxStateThinkingChars` characters. Absent in states folded before thinking was streamed.
   */
  thinking?: string;
  /** Characters of earlier text no longer in `text`. */
  textOmittedChars: number;
  /** Where the current iteration's text starts in `text`, so a superseded attempt can be cut off. */
  iterationTextStart: number;
  lastSeq: number;
}

export const initialState: GenerationState = Object.freeze({
  generationId: '',
  status: GenerationStatus.running,
  model: '',
  prompt: '',
  maxIterations: 0,
  maxCostUsd: null,
  iteration: 0,
  activity: idleActivity,
  usage: zeroUsage,
  costUsd: 0,
  startedAt: null,
  finishedAt: null,
  stopReason: null,
  error: null,
  errorCode: null,
  blockedUntil: null,
  tools: [],
  policy: null,
  text: '',
  textOmittedChars: 0,
  iterationTextStart: 0,
  lastSeq: 0,
}) as GenerationState;
