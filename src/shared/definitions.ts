import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EventPage } from './event-log';
import type { FailedAttemptCost, MessageParam, StreamProgress } from './model-turn';
import type { PartialTurn } from './partial-turn';
import type { GenerationState } from './state';

/** The model activity reports stream progress: text in batches, each completed tool call at once. */
export const modelStreamSignal = defineSignal<[StreamProgress]>('modelStream');
/** Sent by a model attempt that failed with nothing to keep, so its cost is counted (and the spend limit checked). */
export const modelAttemptFailedSignal = defineSignal<[FailedAttemptCost]>('modelAttemptFailed');

export const stateQuery = defineQuery<GenerationState>('state');

/** Where the conversation stands: the stored head (every message sent so far), or, for runs from before the store, every message. */
export type TranscriptSource = { head: string | null } | { messages: MessageParam[] };
export const transcriptQuery = defineQuery<TranscriptSource>('transcript');

export interface EventsQueryArgs {
  after: number;
  limit: number;
}
export const eventsQuery = defineQuery<EventPage, [EventsQueryArgs]>('events');

export interface ClaimTurnArgs {
  iteration: number;
  attempt: number;
}

/**
 * A retried model attempt claims its iteration before it streams: from then on the workflow ignores
 * signals of older attempts (one may still be alive behind a network fault), and the answer is what
 * the workflow already received, so a tool call it started is committed, never asked for again.
 */
export const claimTurnUpdate = defineUpdate<PartialTurn | null, [ClaimTurnArgs]>('claimTurn');

/** Error types an update is rejected with; the API turns them into 409 and 404. */
export const UpdateRejection = {
  conflict: 'GenerationConflict',
  /** The generation just finished and its run is closing: a message must go to a new run. */
  finishing: 'GenerationFinishing',
  toolNotFound: 'ToolNotFound',
} as const;

export interface CancelArgs {
  reason?: string;
}
export const cancelUpdate = defineUpdate<void, [CancelArgs]>('cancel');

/** A blocked generation tries its model call again with a fresh retry budget. */
export const resumeUpdate = defineUpdate<void, []>('resume');

export interface SendMessageArgs {
  text: string;
}
export const sendMessageUpdate = defineUpdate<void, [SendMessageArgs]>('sendMessage');

export type ToolDecision = 'retry' | 'skip';
export interface ToolDecisionArgs {
  toolUseId: string;
  decision: ToolDecision;
}
export const toolDecisionUpdate = defineUpdate<void, [ToolDecisionArgs]>('toolDecision');

/** A person's answer to a tool call in the approval list: run it, or send the model `reason` as an error. */
export interface ToolApprovalArgs {
  toolUseId: string;
  approved: boolean;
  reason?: string;
}
export const toolApprovalUpdate = defineUpdate<void, [ToolApprovalArgs]>('toolApproval');

/** Stops one queued, unapproved or running tool call; the model is told it was cancelled by the user, the rest goes on. */
export interface CancelToolArgs {
  toolUseId: string;
}
export const cancelToolUpdate = defineUpdate<void, [CancelToolArgs]>('cancelTool');
