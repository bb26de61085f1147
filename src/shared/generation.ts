import type { EventLogSnapshot } from './event-log';
import type { GenerationState } from './state';

export interface ToolRetryPolicy {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface GenerationOptions {
  textBatchMs: number;
  eventBufferSize: number;
  maxTokens: number;
  toolRetry: ToolRetryPolicy;
}

export interface GenerationInput {
  generationId: string;
  prompt: string;
  model: string;
  maxIterations: number;
  system?: string;
  options: GenerationOptions;
}

/** What a finished workflow returns: enough to serve its state and events with no worker running. */
export interface GenerationResult {
  state: GenerationState;
  log: EventLogSnapshot;
}

export const defaultGenerationOptions: GenerationOptions = {
  textBatchMs: 100,
  eventBufferSize: 1000,
  maxTokens: 16_000,
  toolRetry: { maximumAttempts: 3, initialIntervalMs: 500, backoffCoefficient: 2, maximumIntervalMs: 10_000 },
};

export function workflowIdFor(generationId: string): string {
  return `gen-${generationId}`;
}
