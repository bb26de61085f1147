import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  condition,
  isCancellation,
  sleep,
  type CancellationScope,
} from '@temporalio/workflow';
import type Anthropic from '@anthropic-ai/sdk';
import { UpdateRejection, type ToolDecision } from '../shared/definitions';
import { displayInput } from '../shared/display-input';
import type { ToolDecisionOutcome } from '../shared/events';
import type { ToolRetryPolicy } from '../shared/generation';
import type { DetectedToolCall } from '../shared/model-turn';
import { runTool, toolActivityOptions } from './activity-proxies';
import { nowIso, type Recorder } from './recorder';

export type ToolResultBlock = Anthropic.Messages.ToolResultBlockParam;

export interface ToolSchedulerOptions {
  toolRetry: ToolRetryPolicy;
  toolDecisionTimeoutMs: number;
}

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

  constructor(
    private readonly generationId: string,
    private readonly recorder: Recorder,
    private readonly options: ToolSchedulerOptions,
    /** The generation's cancellable scope: tools are started from signal handlers, outside it otherwise. */
    private readonly scope: CancellationScope,
  ) {}

  dispatch(call: DetectedToolCall, iteration: number): void {
    if (this.results.has(call.id)) return;
    this.recorder.emit(
      { type: 'tool.detected', toolUseId: call.id, name: call.name, input: displayInput(call.input), iteration, summary: call.summary },
      call.detectedAt,
    );
    if (call.rejection !== null) {
      this.recorder.emit({ type: 'tool.failed', toolUseId: call.id, attempt: 0, error: call.rejection, willRetry: false });
      this.results.set(call.id, Promise.resolve(errorResult(call.id, call.rejection)));
      return;
    }
    const predecessor = call.resourceKey === null ? undefined : this.resourceTails.get(call.resourceKey);
    const result = this.scope.run(() => (predecessor ?? Promise.resolve()).then(() => this.runToResult(call)));
    this.results.set(call.id, result);
    if (call.resourceKey !== null) this.resourceTails.set(call.resourceKey, result);
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

  private async runToResult(call: DetectedToolCall): Promise<ToolResultBlock> {
    const progress = { attempt: 0 };
    try {
      for (;;) {
        const outcome = await this.runAttempts(call, progress);
        if (outcome.type === 'completed') return outcome.result;
        const decision = outcome.decidable ? await this.awaitDecision(call.id) : 'skip';
        if (decision !== 'retry') return errorResult(call.id, `${call.name} failed after ${progress.attempt} attempt(s): ${outcome.error}`);
      }
    } catch (err) {
      if (!isCancellation(err)) throw err;
      this.undecided.delete(call.id);
      this.recorder.emit({ type: 'tool.interrupted', toolUseId: call.id, attempt: progress.attempt });
      return errorResult(call.id, `${call.name} was interrupted by cancel: the generation was cancelled while it ran.`);
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
        await sleep(backoffMs(this.options.toolRetry, attempt - (budgetEnd - this.options.toolRetry.maximumAttempts)));
      }
    }
  }

  private async awaitDecision(toolUseId: string): Promise<ToolDecisionOutcome> {
    const timeoutMs = this.options.toolDecisionTimeoutMs;
    if (timeoutMs <= 0) return 'skip';
    this.undecided.add(toolUseId);
    this.recorder.emit({ type: 'tool.awaiting_decision', toolUseId, until: new Date(Date.now() + timeoutMs).toISOString() });
    const decided = await condition(() => this.decisions.has(toolUseId), timeoutMs);
    const decision = decided ? (this.decisions.get(toolUseId) as ToolDecisionOutcome) : 'timeout';
    this.decisions.delete(toolUseId);
    this.undecided.delete(toolUseId);
    this.recorder.emit({ type: 'tool.decided', toolUseId, decision });
    return decision;
  }
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
