import type { EventLogSnapshot } from './event-log';
import type { MessageParam } from './model-turn';
import type { GenerationState, GenerationStatus } from './state';
import type { ToolPolicy } from './tool-policy';
import type { Usage } from './usage';

export interface ToolRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

/**
 * When tools start: as each tool_use block completes (our way), or after the model's stream ends (how
 * other durable agent frameworks do it; kept as a baseline for the benchmarks).
 */
export const ToolDispatch = {
  incremental: 'incremental',
  afterStream: 'after-stream',
} as const;
export type ToolDispatch = (typeof ToolDispatch)[keyof typeof ToolDispatch];

export interface GenerationOptions {
  textBatchMs: number;
  eventBufferSize: number;
  maxTokens: number;
  toolRetry: ToolRetryPolicy;
  /** How long a tool that failed for good waits for retry/skip; 0 reports the error to the model at once. */
  toolDecisionTimeoutMs: number;
  /** How long a generation whose model call failed after all retries waits for resume before failing. */
  blockedTimeoutMs: number;
  /** Continue-as-new at an iteration boundary once the history has this many events (or Temporal suggests it). */
  continueAsNewAfterEvents: number;
  toolDispatch: ToolDispatch;
  /** Set when the claim check is off: the largest payload Temporal takes, which activities check before sending. */
  payloadLimitBytes: number | null;
  /** Whether the Toolstream* search attributes are registered in the namespace, so the workflow may upsert them. */
  searchAttributes?: boolean;
  /** The generation's tool policy (absent: the defaults). `toolDecisionTimeoutMs` above is its decision window, 0 with `report`. */
  toolPolicy?: ToolPolicy;
}

/**
 * Where the conversation stands: `head` names the last message in the conversation store (each
 * message is stored once, linked to the one before), `pending` holds what is not stored yet (this
 * turn's new work), which the next model call or the archive writes.
 */
export interface ConversationCursor {
  head: string | null;
  pending: MessageParam[];
}

/** What a new run of the same generation carries over: after continue-as-new, or a follow-up on a finished one. */
export interface GenerationCarryOver {
  /** The event log: bounded by count and bytes, not by the conversation. */
  log: EventLogSnapshot;
  conversation?: ConversationCursor;
  /** Runs started before the conversation store carried the whole conversation here. */
  messages?: MessageParam[];
  nextIteration: number;
  /** The last iteration this run may start (maxIterations counts from the latest user message). */
  lastIteration: number;
  /** A follow-up user message that reopens a finished generation. */
  followUp?: string;
}

export interface GenerationInput {
  generationId: string;
  prompt: string;
  model: string;
  maxIterations: number;
  system?: string;
  /** Spend limit in USD: reaching it stops the generation (`failed`, code `budget_exceeded`). */
  maxCostUsd?: number;
  options: GenerationOptions;
  carryOver?: GenerationCarryOver;
}

/** A run's input without what is carried or asked once: what a follow-up run starts from. */
export type GenerationRunSettings = Omit<GenerationInput, 'carryOver' | 'prompt'>;

/**
 * What a finished run returns: a summary, and where the rest is. The event log (state and every
 * buffered event) is archived in the store under `eventLog.key`; the conversation ends at
 * `transcript.head`. Enough to serve the generation with no worker, and to continue it.
 */
export interface GenerationSummary {
  generationId: string;
  status: GenerationStatus;
  stopReason: string | null;
  error: string | null;
  iterations: number;
  usage: Usage;
  costUsd: number | null;
  toolCalls: number;
  failedToolCalls: number;
  lastSeq: number;
  startedAt: string | null;
  finishedAt: string | null;
  eventLog: { key: string };
  transcript: { head: string | null };
  /**
   * Results of runs before the Web UI work repeated the run's settings here; newer ones leave them to
   * the run's input (the Input panel), and a follow-up reads them from there.
   */
  run?: GenerationRunSettings;
  nextIteration: number;
}

/** What runs finished before the conversation store returned: everything, inline. */
export interface LegacyGenerationResult {
  input: Omit<GenerationInput, 'carryOver'>;
  state: GenerationState;
  log: EventLogSnapshot;
  messages: MessageParam[];
  nextIteration: number;
}

export type GenerationResult = GenerationSummary | LegacyGenerationResult;

export function isLegacyResult(result: GenerationResult): result is LegacyGenerationResult {
  return 'log' in result;
}

export const defaultGenerationOptions: GenerationOptions = {
  textBatchMs: 100,
  eventBufferSize: 1000,
  maxTokens: 16_000,
  toolRetry: { maximumAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
  toolDecisionTimeoutMs: 0,
  blockedTimeoutMs: 24 * 60 * 60 * 1000,
  continueAsNewAfterEvents: 10_000,
  toolDispatch: ToolDispatch.incremental,
  payloadLimitBytes: null,
};

export function workflowIdFor(generationId: string): string {
  return `gen-${generationId}`;
}
