import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  sleep,
} from '@temporalio/workflow';
import type Anthropic from '@anthropic-ai/sdk';
import { UpdateRejection, type ToolDecision } from '../shared/definitions';
import { displayInput } from '../shared/display-input';
import type { ToolDecisionOutcome } from '../shared/events';
import type { ToolRetryPolicy } from '../shared/generation';
import type { DetectedToolCall } from '../shared/model-turn';
import { ToolStatus } from '../shared/state';
import { approvalTimeoutReason, cancelledByUserMessage, isEager, needsApproval, type ToolPolicy } from '../shared/tool-policy';
import { runTool, toolActivityOptions } from './activity-proxies';
import { nowIso, type Recorder } from './recorder';
import { ToolSlots } from './tool-slots';

export type ToolResultBlock = Anthropic.Messages.ToolResultBlockParam;

export interface ToolSchedulerOptions {
  toolRetry: ToolRetryPolicy;
  toolDecisionTimeoutMs: number;
}

type ApprovalVerdict = { approved: true } | { approved: false; reason: string };

/** Statuses in which a call can still be cancelled on its own: it has not finished. */
const cancellableStatuses: ReadonlySet<string> = new Set([ToolStatus.pending, ToolStatus.awaitingApproval, ToolStatus.running]);

/** Input errors say the call itself is wrong: running it again cannot help, so nobody is asked to. */
const inputErrorType = 'ToolInputError';

type AttemptsOutcome = { type: 'completed'; result: ToolResultBlock } | { type: 'failed'; error: string; decidable: boolean };

/**
 * Starts each tool call the moment it is handed over, while the model may still be streaming.
 * Calls sharing a resource key run one after another in the order the model wrote them; all
 * others run in parallel. A call is started at most once, however often it is handed over.
 * A failure of one call never touches its siblings; cancelling the generation interrupts them all.
 */
export class ToolScheduler {
  private readonly results = new Map<string, Promise<ToolResultBlock>>();
  private readonly resourceTails = new Map<string, Promise<unknown>>();
  private readonly undecided = new Set<string>();
  private readonly decisions = new Map<string, ToolDecisionOutcome>();
  /** With a policy: the last call on each resource, which the next one on it waits for. */
  private readonly lastOnResource = new Map<string, string>();
  private readonly finished = new Set<string>();
  private readonly unapproved = new Set<string>();
  private readonly verdicts = new Map<string, ApprovalVerdict>();
  private readonly callScopes = new Map<string, CancellationScope>();
  private readonly cancelRequests = new Set<string>();
  private readonly slots: ToolSlots | undefined;

  constructor(
    private readonly generationId: string,
    private readonly recorder: Recorder,
    private readonly options: ToolSchedulerOptions,
    /** The generation's cancellable scope: tools are started from signal handlers, outside it otherwise. */
    private readonly scope: CancellationScope,
    /**
     * The generation's tool policy; undefined for runs recorded before policies existed (see
     * Patches.toolPolicy): those start every call at once, as they did.
     */
    private readonly policy?: ToolPolicy,
  ) {
    this.slots = policy ? new ToolSlots(policy.maxParallelTools) : undefined;
  }

  /** Whether this call may start while the model still streams (the policy's `eagerTools`). */
  startsEarly(toolName: string): boolean {
    return this.policy === undefined || isEager(this.policy, toolName);
  }

  /** Whether a call of the generation already has this id: a repeated id must get its own (runs with a policy only). */
  isTaken(toolUseId: string): boolean {
    if (this.policy === undefined) return false;
    return this.results.has(toolUseId) || this.recorder.state.tools.some((tool) => tool.id === toolUseId);
  }

  dispatch(call: DetectedToolCall, iteration: number): void {
    if (this.results.has(call.id)) return;
    this.recorder.emit(
      {
        type: 'tool.detected',
        toolUseId: call.id,
        name: call.name,
        input: displayInput(call.input),
        iteration,
        summary: call.summary,
        ...(call.modelToolUseId !== undefined ? { modelToolUseId: call.modelToolUseId } : {}),
      },
      call.detectedAt,
    );
    if (call.rejection !== null) {
      this.recorder.emit({ type: 'tool.failed', toolUseId: call.id, attempt: 0, error: call.rejection, willRetry: false });
      this.results.set(call.id, Promise.resolve(errorResult(call.id, call.rejection)));
      this.finished.add(call.id);
      return;
    }
    if (this.policy) {
      this.dispatchControlled(call, this.policy);
      return;
    }
    const predecessor = call.resourceKey === null ? undefined : this.resourceTails.get(call.resourceKey);
    const result = this.scope.run(() => (predecessor ?? Promise.resolve()).then(() => this.runToResult(call)));
    this.results.set(call.id, result);
    if (call.resourceKey !== null) this.resourceTails.set(call.resourceKey, result);
  }

  /**
   * Each call runs in a scope of its own inside the generation's, so one call can be cancelled alone.
   * It waits, in this order, for approval, for the call before it on its resource, and for a slot.
   */
  private dispatchControlled(call: DetectedToolCall, policy: ToolPolicy): void {
    const predecessor = call.resourceKey === null ? undefined : this.lastOnResource.get(call.resourceKey);
    if (call.resourceKey !== null) this.lastOnResource.set(call.resourceKey, call.id);
    const result = this.scope.run(() => {
      const callScope = new CancellationScope();
      this.callScopes.set(call.id, callScope);
      return callScope.run(() => this.runControlled(call, policy, predecessor, callScope));
    });
    this.results.set(call.id, result);
  }

  private async runControlled(call: DetectedToolCall, policy: ToolPolicy, predecessor: string | undefined, callScope: CancellationScope): Promise<ToolResultBlock> {
    const progress = { attempt: 0 };
    try {
      if (needsApproval(policy, call.name)) {
        const verdict = await this.awaitApproval(call.id, call.summary || call.name, policy.approvalTimeoutMs);
        if (!verdict.approved) return errorResult(call.id, deniedMessage(call.name, verdict.reason));
      }
      if (predecessor !== undefined) await condition(() => this.finished.has(predecessor));
      await (this.slots as ToolSlots).acquire(call.id, callScope);
      try {
        return await this.runWithDecisions(call, progress);
      } finally {
        (this.slots as ToolSlots).release();
      }
    } catch (err) {
      if (!isCancellation(err)) throw err;
      this.undecided.delete(call.id);
      if (this.scope.consideredCancelled) {
        this.recorder.emit({ type: 'tool.interrupted', toolUseId: call.id, attempt: progress.attempt });
        return errorResult(call.id, `${call.name} was interrupted by cancel: the generation was cancelled while it ran.`);
      }
      this.recorder.emit({ type: 'tool.cancelled', toolUseId: call.id, attempt: progress.attempt });
      return errorResult(call.id, `${call.name} was ${cancelledByUserMessage}.`);
    } finally {
      this.finished.add(call.id);
      this.callScopes.delete(call.id);
    }
  }

  private async awaitApproval(toolUseId: string, label: string, timeoutMs: number): Promise<ApprovalVerdict> {
    this.unapproved.add(toolUseId);
    this.recorder.emit({ type: 'tool.awaiting_approval', toolUseId, until: new Date(Date.now() + timeoutMs).toISOString() });
    try {
      const answered = await condition(() => this.verdicts.has(toolUseId), timeoutMs, { summary: `awaiting approval of ${label} (${toolUseId})` });
      const verdict: ApprovalVerdict = answered ? (this.verdicts.get(toolUseId) as ApprovalVerdict) : { approved: false, reason: approvalTimeoutReason };
      if (verdict.approved) this.recorder.emit({ type: 'tool.approved', toolUseId });
      else this.recorder.emit({ type: 'tool.denied', toolUseId, reason: verdict.reason, by: answered ? 'user' : 'timeout' });
      return verdict;
    } finally {
      this.unapproved.delete(toolUseId);
      this.verdicts.delete(toolUseId);
    }
  }

  /** Update validator: only a call waiting for approval takes approve or deny, once. */
  assertAwaitingApproval(toolUseId: string): void {
    const tool = this.knownTool(toolUseId);
    if (!this.unapproved.has(toolUseId) || this.verdicts.has(toolUseId) || this.cancelRequests.has(toolUseId)) {
      throw conflict(`Tool call ${toolUseId} (${tool.name}) is not waiting for approval; it is ${tool.status}`);
    }
  }

  answerApproval(toolUseId: string, verdict: ApprovalVerdict): void {
    if (this.unapproved.has(toolUseId) && !this.verdicts.has(toolUseId)) this.verdicts.set(toolUseId, verdict);
  }

  /** Update validator: a call can be cancelled alone while queued, waiting for approval or a decision, or running. */
  assertCancellableTool(toolUseId: string): void {
    const tool = this.knownTool(toolUseId);
    if (this.scope.consideredCancelled) throw conflict('The generation is being cancelled');
    if (this.cancelRequests.has(toolUseId)) throw conflict(`Tool call ${toolUseId} is already being cancelled`);
    const waitsForDecision = this.undecided.has(toolUseId) && !this.decisions.has(toolUseId);
    if (!this.callScopes.has(toolUseId) || (!cancellableStatuses.has(tool.status) && !waitsForDecision)) {
      throw conflict(`Tool call ${toolUseId} (${tool.name}) cannot be cancelled: it is ${tool.status}`);
    }
  }

  cancelTool(toolUseId: string): void {
    const callScope = this.callScopes.get(toolUseId);
    if (!callScope) return;
    this.cancelRequests.add(toolUseId);
    callScope.cancel();
  }

  /** A tool call of this run that a command names; an unknown id is a 404, as for retry and skip. */
  private knownTool(toolUseId: string): { name: string; status: string } {
    const tool = this.recorder.state.tools.find((known) => known.id === toolUseId);
    if (!tool || !this.results.has(toolUseId)) {
      throw ApplicationFailure.create({ type: UpdateRejection.toolNotFound, message: `No tool call ${toolUseId} is in this generation's current run`, nonRetryable: true });
    }
    return tool;
  }

  /** The tool_result blocks for these calls, in the order given (the model's tool_use order). */
  async resultsFor(calls: readonly DetectedToolCall[]): Promise<ToolResultBlock[]> {
    return Promise.all(
      calls.map((call) => this.results.get(call.id) ?? Promise.resolve(errorResult(call.id, 'Tool call was never dispatched.'))),
    );
  }

  /** Resolves once every dispatched call has its result (after a cancel: has been interrupted). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.results.values()]);
  }

  get awaitingDecision(): boolean {
    return this.undecided.size > 0;
  }

  /** Update validator: only a tool that failed for good and waits for a decision can take one. */
  assertDecidable(toolUseId: string): void {
    if (!this.results.has(toolUseId)) {
      throw ApplicationFailure.create({ type: UpdateRejection.toolNotFound, message: `No tool call ${toolUseId} in this generation`, nonRetryable: true });
    }
    if (!this.undecided.has(toolUseId) || this.decisions.has(toolUseId)) {
      throw ApplicationFailure.create({
        type: UpdateRejection.conflict,
        message: `Tool call ${toolUseId} is not waiting for a decision (only a tool that failed for good is, while TOOLSTREAM_TOOL_DECISION_TIMEOUT lasts)`,
        nonRetryable: true,
      });
    }
  }

  decide(toolUseId: string, decision: ToolDecision): void {
    if (this.undecided.has(toolUseId)) this.decisions.set(toolUseId, decision);
  }

  /** A follow-up message answers every open decision: the failures go to the model with the message. */
  decideAllByMessage(): void {
    for (const toolUseId of this.undecided) if (!this.decisions.has(toolUseId)) this.decisions.set(toolUseId, 'message');
  }

  /** Runs recorded before policies: kept as it was, so their replays schedule in the same order. */
  private async runToResult(call: DetectedToolCall): Promise<ToolResultBlock> {
    const progress = { attempt: 0 };
    try {
      for (;;) {
        const outcome = await this.runAttempts(call, progress);
        if (outcome.type === 'completed') return outcome.result;
        const decision = outcome.decidable ? await this.awaitDecision(call.id, call.summary || call.name) : 'skip';
        if (decision !== 'retry') return errorResult(call.id, `${call.name} failed after ${progress.attempt} attempt(s): ${outcome.error}`);
      }
    } catch (err) {
      if (!isCancellation(err)) throw err;
      this.undecided.delete(call.id);
      this.recorder.emit({ type: 'tool.interrupted', toolUseId: call.id, attempt: progress.attempt });
      return errorResult(call.id, `${call.name} was interrupted by cancel: the generation was cancelled while it ran.`);
    }
  }

  /** Attempts, then (with a decision window) retries as long as someone asks for them. */
  private async runWithDecisions(call: DetectedToolCall, progress: { attempt: number }): Promise<ToolResultBlock> {
    for (;;) {
      const outcome = await this.runAttempts(call, progress);
      if (outcome.type === 'completed') return outcome.result;
      const decision = outcome.decidable ? await this.awaitDecision(call.id, call.summary || call.name) : 'skip';
      if (decision !== 'retry') return errorResult(call.id, `${call.name} failed after ${progress.attempt} attempt(s): ${outcome.error}`);
    }
  }

  /** Up to the retry policy's attempts, counted from `progress.attempt` (a retry decision starts a fresh budget). */
  private async runAttempts(call: DetectedToolCall, progress: { attempt: number }): Promise<AttemptsOutcome> {
    const budgetEnd = progress.attempt + this.options.toolRetry.maximumAttempts;
    for (;;) {
      if (this.scope.consideredCancelled) throw new CancelledFailure('The generation was cancelled');
      const attempt = ++progress.attempt;
      this.recorder.emit({ type: 'tool.started', toolUseId: call.id, attempt });
      try {
        const run = await runTool.executeWithOptions({ ...toolActivityOptions, summary: call.summary }, [
          { generationId: this.generationId, toolUseId: call.id, name: call.name, input: call.input, attempt },
        ]);
        this.recorder.emit(
          { type: 'tool.completed', toolUseId: call.id, attempt, resultPreview: run.resultPreview, durationMs: run.durationMs },
          run.completedAt,
        );
        return { type: 'completed', result: { type: 'tool_result', tool_use_id: call.id, content: run.output } };
      } catch (err) {
        if (isCancellation(err)) throw err;
        const error = describeFailure(err);
        const willRetry = isRetryable(err) && attempt < budgetEnd;
        this.recorder.emit({ type: 'tool.failed', toolUseId: call.id, attempt, error, willRetry }, nowIso());
        if (!willRetry) return { type: 'failed', error, decidable: failureType(err) !== inputErrorType };
        const delayMs = backoffMs(this.options.toolRetry, attempt - (budgetEnd - this.options.toolRetry.maximumAttempts));
        await sleep(delayMs, { summary: `backoff ${delayMs} ms before attempt ${attempt + 1} of ${call.summary || call.name}` });
      }
    }
  }

  private async awaitDecision(toolUseId: string, label: string): Promise<ToolDecisionOutcome> {
    const timeoutMs = this.options.toolDecisionTimeoutMs;
    if (timeoutMs <= 0) return 'skip';
    this.undecided.add(toolUseId);
    this.recorder.emit({ type: 'tool.awaiting_decision', toolUseId, until: new Date(Date.now() + timeoutMs).toISOString() });
    const decided = await condition(() => this.decisions.has(toolUseId), timeoutMs, { summary: `awaiting retry/skip decision on ${label} (${toolUseId})` });
    const decision = decided ? (this.decisions.get(toolUseId) as ToolDecisionOutcome) : 'timeout';
    this.decisions.delete(toolUseId);
    this.undecided.delete(toolUseId);
    this.recorder.emit({ type: 'tool.decided', toolUseId, decision });
    return decision;
  }
}

function deniedMessage(toolName: string, reason: string): string {
  if (reason === approvalTimeoutReason) return `${toolName} was not run: ${reason}`;
  return `${toolName} was not run: the user denied it. Reason: ${reason}`;
}

function conflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: UpdateRejection.conflict, message, nonRetryable: true });
}

function errorResult(toolUseId: string, message: string): ToolResultBlock {
  return { type: 'tool_result', tool_use_id: toolUseId, content: message, is_error: true };
}

function causeOf(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

function isRetryable(err: unknown): boolean {
  const cause = causeOf(err);
  return !(cause instanceof ApplicationFailure && cause.nonRetryable);
}

function failureType(err: unknown): string | undefined {
  const cause = causeOf(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function describeFailure(err: unknown): string {
  const cause = causeOf(err);
  return cause instanceof Error ? cause.message : String(cause);
}

function backoffMs(policy: ToolRetryPolicy, attemptInBudget: number): number {
  return Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** (attemptInBudget - 1), policy.maximumIntervalMs);
}
