import type { EventLogSnapshot } from './event-log';
import type { MessageParam } from './model-turn';
import type { GenerationState } from './state';

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
}

/** What a new run of the same generation carries over: after continue-as-new, or a follow-up on a finished one. */
export interface GenerationCarryOver {
  log: EventLogSnapshot;
  messages: MessageParam[];
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
  options: GenerationOptions;
  carryOver?: GenerationCarryOver;
}

/** What a finished run returns: enough to serve its state and events with no worker, and to continue it. */
export interface GenerationResult {
  /** This run's input without its carry-over: what a follow-up run starts from. */
  input: Omit<GenerationInput, 'carryOver'>;
  state: GenerationState;
  log: EventLogSnapshot;
  messages: MessageParam[];
  nextIteration: number;
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
};

export function workflowIdFor(generationId: string): string {
  return `gen-${generationId}`;
}
