import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cancelToolUpdate,
  cancelUpdate,
  claimTurnUpdate,
  eventsQuery,
  modelAttemptFailedSignal,
  modelStreamSignal,
  resumeUpdate,
  sendMessageUpdate,
  stateQuery,
  toolApprovalUpdate,
  toolDecisionUpdate,
  transcriptQuery,
} from '../shared/definitions';
import { defaultDenialReason, defaultToolPolicy } from '../shared/tool-policy';
import type { ConversationCursor, GenerationInput, GenerationResult } from '../shared/generation';
import type { ModelTurnResult } from '../shared/model-turn';
import { Conversation } from './conversation';
import { GenerationControl } from './generation-control';
import { archiveActivityOptions, archiveGeneration } from './activity-proxies';
import { keepCancelledTurn } from './cancelled-turn';
import { callModel } from './model-call';
import type { ModelTurnTracker } from './model-turn-tracker';
import { Recorder } from './recorder';
import { budgetExceededCode, SpendLimit } from './spend-limit';
import { summarize } from './summary';
import { ToolScheduler } from './tool-scheduler';

/**
 * Changes a running generation must not see mid-run (see docs/ARCHITECTURE.md, "Deploying"): a run
 * recorded before one replays the old way, a new run takes the new one.
 */
export const Patches = {
  /** The conversation lives in the store and the result is a summary (runs before it carried everything inline). */
  storedConversation: 'stored-conversation',
  /**
   * The per-generation tool policy (approval, parallel limit, eager tools), per-tool cancel and own
   * ids for repeated tool_use ids (runs before it start every call at once).
   */
  toolPolicy: 'tool-policy',
  /** A cancel keeps the cut-short turn (text so far, calls with their results) in the conversation; before, it was dropped. */
  cancelKeepsTurn: 'cancel-keeps-turn',
} as const;

/** Stop reasons after which the model expects to go on: it asked for tools, or a server tool paused its turn. */
const continuingStopReasons = new Set(['tool_use', 'pause_turn']);

type LoopOutcome =
  | { type: 'completed'; stopReason: string }
  | { type: 'failed'; error: string }
  | { type: 'continueAsNew' };

/**
 * One generation: the agent loop. Each iteration streams one model turn; tool calls are started as
 * their blocks complete, mid-stream; their results go back in one user message right after the
 * turn's assistant message. A run carries its log and conversation over to the next one, so after
 * continue-as-new or a follow-up message clients see one generation with one event sequence.
 */
export async function generationWorkflow(input: GenerationInput): Promise<GenerationResult> {
  const { options, carryOver } = input;
  const storesConversation = patched(Patches.storedConversation);
  const recorder = new Recorder(options.eventBufferSize, carryOver?.log, options.searchAttributes === true);
  const scope = new CancellationScope();
  const toolPolicy = patched(Patches.toolPolicy) ? (options.toolPolicy ?? defaultToolPolicy) : undefined;
  const scheduler = new ToolScheduler(input.generationId, recorder, options, scope, toolPolicy);
  const control = new GenerationControl(scope, recorder, scheduler);
  const conversation = new Conversation(storesConversation, initialCursor(input));
  const spend = new SpendLimit(input.maxCostUsd, recorder, scope);
  let tracker: ModelTurnTracker | undefined;
  /** A turn the model finished whose tool results are not committed yet. */
  let turnInFlight: ModelTurnResult | undefined;
  let iteration = carryOver?.nextIteration ?? 1;
  const lastIteration = carryOver?.lastIteration ?? input.maxIterations;

  setHandler(stateQuery, () => recorder.state);
  setHandler(eventsQuery, ({ after, limit }) => recorder.log.read(after, limit));
  setHandler(transcriptQuery, () => (storesConversation ? { head: conversation.cursor.head } : { messages: conversation.messages }));
  setHandler(claimTurnUpdate, (args) => (tracker?.iteration === args.iteration ? tracker.claim(args.attempt) : null));
  setHandler(modelStreamSignal, (progress) => tracker?.onProgress(progress));
  setHandler(modelAttemptFailedSignal, (cost) => spend.recordFailedAttempt(cost));
  setHandler(cancelUpdate, (args) => control.cancel(args.reason), { validator: (args) => control.assertCancellable(args.reason) });
  setHandler(resumeUpdate, () => control.resume(), { validator: () => control.assertResumable() });
  setHandler(sendMessageUpdate, (args) => control.message(args.text), { validator: (args) => control.assertAcceptsMessage(args.text) });
  setHandler(toolDecisionUpdate, (args) => scheduler.decide(args.toolUseId, args.decision), {
    validator: (args) => scheduler.assertDecidable(args.toolUseId),
  });
  setHandler(
    toolApprovalUpdate,
    (args) => scheduler.answerApproval(args.toolUseId, args.approved ? { approved: true } : { approved: false, reason: args.reason?.trim() || defaultDenialReason }),
    { validator: (args) => scheduler.assertAwaitingApproval(args.toolUseId) },
  );
  setHandler(cancelToolUpdate, (args) => scheduler.cancelTool(args.toolUseId), { validator: (args) => scheduler.assertCancellableTool(args.toolUseId) });

  if (!carryOver) {
    recorder.emit({
      type: 'generation.started',
      generationId: input.generationId,
      prompt: input.prompt,
      model: input.model,
      maxIterations: input.maxIterations,
      ...(toolPolicy ? { policy: toolPolicy } : {}),
      ...(input.maxCostUsd !== undefined ? { maxCostUsd: input.maxCostUsd } : {}),
    });
  } else if (carryOver.followUp !== undefined) {
    recorder.emit({ type: 'message.received', text: carryOver.followUp });
    conversation.addUserText(carryOver.followUp);
  }

  const modelDeps = { input, recorder, scheduler, control, conversation, spend, track: (next: ModelTurnTracker) => (tracker = next) };

  async function agentLoop(): Promise<LoopOutcome> {
    for (; iteration <= lastIteration; iteration++) {
      control.throwIfCancelled();
      spend.throwIfExceeded();
      if (shouldContinueAsNew(options.continueAsNewAfterEvents)) return { type: 'continueAsNew' };
      recorder.emit({ type: 'iteration.started', iteration });
      recorder.setModelPhase('thinking');
      const call = await callModel(modelDeps, iteration);
      if (call.type === 'failed') return call;
      const { turn } = call;
      turnInFlight = turn;
      recordIterationEnd(recorder, iteration, turn);
      spend.check();
      const results = await scheduler.resultsFor(turn.toolCalls);
      conversation.commitTurn(turn.content, results);
      turnInFlight = undefined;
      for (const text of control.takeMessages()) {
        recorder.emit({ type: 'message.received', text });
        conversation.addUserText(text);
      }
      // Even a last answer that went past the limit ends the generation as the limit says.
      spend.throwIfExceeded();
      const goesOn = turn.toolCalls.length > 0 || continuingStopReasons.has(turn.stopReason);
      if (!goesOn) return { type: 'completed', stopReason: turn.stopReason };
    }
    return { type: 'completed', stopReason: 'max_iterations' };
  }

  let outcome: LoopOutcome | { type: 'cancelled' };
  try {
    outcome = await scope.run(agentLoop);
  } catch (err) {
    // Our cancel update, or a cancel of the workflow itself (Web UI, CLI): both end the same way.
    if (!isCancellation(err)) throw err;
    outcome = { type: 'cancelled' };
  }
  return CancellationScope.nonCancellable(() => finish(outcome));

  async function finish(outcome: LoopOutcome | { type: 'cancelled' }): Promise<GenerationResult> {
    await condition(allHandlersFinished);
    if (outcome.type === 'continueAsNew' && control.cancelRequested) outcome = { type: 'cancelled' };
    switch (outcome.type) {
      case 'continueAsNew': {
        const log = recorder.log.snapshot();
        if (!storesConversation) {
          return continueAsNew<typeof generationWorkflow>({ ...input, carryOver: { log, messages: conversation.messages, nextIteration: iteration, lastIteration } });
        }
        // The prompt is in the conversation by now: the next run carries where it stands, not a copy.
        const { carryOver: _carried, ...settings } = input;
        return continueAsNew<typeof generationWorkflow>({ ...settings, prompt: '', carryOver: { log, conversation: conversation.cursor, nextIteration: iteration, lastIteration } });
      }
      case 'cancelled':
        // Interrupted tools record themselves as they stop; the final event comes after all of them.
        await scheduler.settled();
        if (patched(Patches.cancelKeepsTurn)) await keepCancelledTurn(turnInFlight ?? tracker?.unfinished(), scheduler, recorder, conversation);
        recorder.setModelPhase('none');
        if (spend.exceededBecause !== undefined) recorder.emit({ type: 'generation.failed', error: spend.exceededBecause, code: budgetExceededCode });
        else recorder.emit({ type: 'generation.cancelled', reason: control.cancelledBecause });
        break;
      case 'failed':
        recorder.setModelPhase('none');
        recorder.emit({ type: 'generation.failed', error: outcome.error });
        break;
      case 'completed':
        recorder.emit({ type: 'generation.completed', stopReason: outcome.stopReason });
        break;
    }
    // A follow-up message starts a new run that numbers its iterations after every one started here.
    const nextIteration = recorder.state.iteration + 1;
    const { carryOver: _carried, ...runInput } = input;
    if (!storesConversation) {
      return { input: runInput, state: recorder.state, log: recorder.log.snapshot(), messages: conversation.messages, nextIteration };
    }
    const archived = await archiveGeneration.executeWithOptions({ ...archiveActivityOptions, summary: 'archive event log and transcript' }, [
      { generationId: input.generationId, log: recorder.log.snapshot(), conversation: conversation.cursor },
    ]);
    return summarize(input, recorder.state, archived, nextIteration);
  }
}

function initialCursor(input: GenerationInput): ConversationCursor {
  const { carryOver } = input;
  if (carryOver?.conversation) return carryOver.conversation;
  // A carry-over from a run before the store brings every message: the first model call stores them.
  return { head: null, pending: carryOver?.messages ?? [{ role: 'user', content: input.prompt }] };
}

function shouldContinueAsNew(afterEvents: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= afterEvents;
}

function recordIterationEnd(recorder: Recorder, iteration: number, turn: ModelTurnResult): void {
  recorder.emit(
    {
      type: 'iteration.completed',
      iteration,
      usage: turn.usage,
      costUsd: turn.costUsd,
      stopReason: turn.stopReason,
      ...(turn.interruption !== undefined ? { interruption: turn.interruption } : {}),
    },
    turn.streamEndedAt,
  );
}
