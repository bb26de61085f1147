import { ActivityFailure, ApplicationFailure, CancelledFailure, isCancellation } from '@temporalio/workflow';
import { ToolDispatch, type GenerationInput } from '../shared/generation';
import { formatBytes, limitExceededType, utf8Length } from '../shared/limits';
import { budgetExceededType, type ModelTurnResult } from '../shared/model-turn';
import { modelActivityOptions, modelAttemptsPerExecution, streamModelTurn } from './activity-proxies';
import type { Conversation } from './conversation';
import type { GenerationControl } from './generation-control';
import { ModelTurnTracker } from './model-turn-tracker';
import type { Recorder } from './recorder';
import type { SpendLimit } from './spend-limit';
import type { ToolScheduler } from './tool-scheduler';

export interface ModelCallDeps {
  input: GenerationInput;
  recorder: Recorder;
  scheduler: ToolScheduler;
  control: GenerationControl;
  conversation: Conversation;
  spend: SpendLimit;
  /** The tracker of the call in progress, for the progress signal and the claimTurn update. */
  track(tracker: ModelTurnTracker): void;
}

export type ModelCallOutcome = { type: 'turn'; turn: ModelTurnResult } | { type: 'failed'; error: string };

/**
 * One iteration's model call. Temporal retries the activity (its attempts supersede each other's
 * text); a call that fails after tool calls were handed over keeps them and ends the turn there; one
 * that fails for good with nothing to keep blocks the generation until resume, a message, cancel or
 * the blocked timeout. A bad request (4xx) cannot get better by waiting and fails at once.
 */
export async function callModel(deps: ModelCallDeps, iteration: number): Promise<ModelCallOutcome> {
  const { input, recorder, control } = deps;
  const tracker = new ModelTurnTracker(iteration, recorder, deps.scheduler, input.options.toolDispatch !== ToolDispatch.afterStream);
  deps.track(tracker);
  for (let execution = 0; ; execution++) {
    const request = deps.conversation.modelInput();
    const tooLarge = exceedsPayloadLimit(request.fields, input.options.payloadLimitBytes);
    if (tooLarge) return { type: 'failed', error: tooLarge };
    const budgetUsd = deps.spend.remainingUsd();
    try {
      const turn = await streamModelTurn.executeWithOptions(
        { ...modelActivityOptions, summary: `model turn ${iteration} (${input.model})` },
        [
          {
            generationId: input.generationId,
            iteration,
            attemptBase: execution * modelAttemptsPerExecution,
            model: input.model,
            system: input.system,
            ...request.fields,
            maxTokens: input.options.maxTokens,
            textBatchMs: input.options.textBatchMs,
            ...(budgetUsd !== undefined ? { budgetUsd } : {}),
          },
        ],
      );
      deps.conversation.markStored(turn.requestHead, request.sent);
      return { type: 'turn', turn: tracker.close(turn) };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = describeModelFailure(err);
      if (failureType(err) === budgetExceededType) {
        // Stops the tools too; the loop ends through the cancel path, which keeps what happened.
        deps.spend.stop(error);
        throw new CancelledFailure(error);
      }
      // A limit cannot get better by retrying or by going on without the call that hit it.
      if (failureType(err) === limitExceededType) return { type: 'failed', error };
      const committed = tracker.commitReceived(error);
      if (committed) return { type: 'turn', turn: tracker.close(committed) };
      tracker.abandonAttempt();
      if (!isRetryable(err)) return { type: 'failed', error };
      const unblocked = await control.waitWhileBlocked(iteration, error, input.options.blockedTimeoutMs);
      if (unblocked === 'timeout') {
        return { type: 'failed', error: `${error} (blocked for ${input.options.blockedTimeoutMs} ms without a resume)` };
      }
      recorder.emit({ type: 'generation.resumed', by: unblocked });
      for (const text of control.takeMessages()) {
        recorder.emit({ type: 'message.received', text });
        deps.conversation.addUserText(text);
      }
    }
  }
}

/**
 * With the claim check off, an activity input above Temporal's limit would fail the workflow task
 * on every retry and the generation would never end: it fails here instead, naming the limit.
 */
function exceedsPayloadLimit(fields: unknown, limit: number | null | undefined): string | undefined {
  // Runs started before the limit existed have none (undefined): they must replay as they ran.
  if (limit === null || limit === undefined) return undefined;
  const size = utf8Length(JSON.stringify(fields));
  if (size <= limit) return undefined;
  return `The conversation's new messages (${formatBytes(size)}) are above Temporal's payload size limit of ${formatBytes(limit)} (TOOLSTREAM_PAYLOAD_LIMIT); turn the claim check on (TOOLSTREAM_CLAIM_CHECK=on) to carry them`;
}

function causeOf(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

function failureType(err: unknown): string | undefined {
  const cause = causeOf(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function isRetryable(err: unknown): boolean {
  const cause = causeOf(err);
  return !(cause instanceof ApplicationFailure && cause.nonRetryable);
}

function describeModelFailure(err: unknown): string {
  const cause = causeOf(err);
  return `Model call failed: ${cause instanceof Error ? cause.message : String(cause)}`;
}
