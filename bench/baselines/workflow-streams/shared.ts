// Types and names shared by the workflow-streams baseline's workflow, activities and subscribers.
// Workflow-safe: no Node built-ins (the workflow bundle imports this file).
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import type { ContentBlockParam, MessageParam } from '../../../src/shared/model-turn';

/** Topics, as in temporalio/samples-typescript workflow-streams/src/llm-shared.ts, plus one for tools. */
export const Topic = {
  delta: 'delta',
  tool: 'tool',
  retry: 'retry',
  complete: 'complete',
} as const;

export const allTopics = [Topic.delta, Topic.tool, Topic.retry, Topic.complete];

export interface TextDelta {
  text: string;
  /** Epoch ms when the activity saw this delta: lets a subscriber measure delivery latency. */
  at: number;
}

export type ToolEvent =
  | { type: 'detected'; toolUseId: string; name: string; at: number }
  | { type: 'started'; toolUseId: string }
  | { type: 'completed'; toolUseId: string; durationMs: number }
  | { type: 'failed'; toolUseId: string; error: string };

export interface RetryEvent {
  attempt: number;
}

export interface StreamComplete {
  outputTokens: number;
  iterations: number;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  input: unknown;
}

export interface StreamTurnInput {
  generationId: string;
  model: string;
  messages: MessageParam[];
  maxTokens: number;
  /** The WorkflowStreamClient's batchInterval: the same 100 ms toolstream batches text with. */
  batchMs: number;
}

export interface StreamTurnResult {
  content: ContentBlockParam[];
  stopReason: string;
  outputTokens: number;
  toolCalls: ToolCallRequest[];
}

export interface WorkflowStreamsGenerationInput {
  generationId: string;
  prompt: string;
  model: string;
  maxIterations: number;
  maxTokens: number;
  batchMs: number;
  /** Set on continue-as-new: the stream's log and the conversation so far. */
  carry?: {
    streamState: WorkflowStreamState;
    messages: MessageParam[];
    nextIteration: number;
    outputTokens: number;
  };
}

export interface WorkflowStreamsGenerationResult {
  outputTokens: number;
  iterations: number;
}
