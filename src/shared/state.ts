import { idleActivity, type AiActivity } from './ai-activity';
import { zeroUsage, type Usage } from './usage';

export const GenerationStatus = {
  running: 'running',
  /** A tool failed for good and waits for a retry/skip decision (TOOLSTREAM_TOOL_DECISION_TIMEOUT > 0). */
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
  pending: 'pending',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
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
}

/** State stays small whatever the model writes: `text` keeps this many of the latest characters. */
export const maxStateTextChars = 32_000;

export interface GenerationState {
  generationId: string;
  status: GenerationStatus;
  model: string;
  prompt: string;
  maxIterations: number;
  iteration: number;
  activity: AiActivity;
  usage: Usage;
  /** US dollars so far; null once a turn of a model with no known price is in it (unknown, never $0). */
  costUsd: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  stopReason: string | null;
  error: string | null;
  /** While blocked: when the generation fails by itself unless resumed. */
  blockedUntil: string | null;
  tools: ToolState[];
  /**
   * The assistant text so far, superseded attempts removed: its last `maxStateTextChars` characters.
   * The whole text is in the events as they stream and in the transcript.
   */
  text: string;
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
  iteration: 0,
  activity: idleActivity,
  usage: zeroUsage,
  costUsd: 0,
  startedAt: null,
  finishedAt: null,
  stopReason: null,
  error: null,
  blockedUntil: null,
  tools: [],
  text: '',
  textOmittedChars: 0,
  iterationTextStart: 0,
  lastSeq: 0,
}) as GenerationState;
