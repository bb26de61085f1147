import { ApplicationFailure, CancelledFailure, condition, type CancellationScope } from '@temporalio/workflow';
import { UpdateRejection } from '../shared/definitions';
import { GenerationStatus, isFinished } from '../shared/state';
import type { Recorder } from './recorder';
import type { ToolScheduler } from './tool-scheduler';

const maxReasonLength = 1000;

export type Unblocked = 'resume' | 'message' | 'timeout';

/**
 * What users can do to a running generation (cancel, resume, send a message), as the workflow's
 * inbox: update handlers only record a request here; the agent loop acts on it in order. The
 * validators reject a request that makes no sense now, so the API can answer 409 at once.
 */
export class GenerationControl {
  private cancelReason: string | undefined;
  private blocked = false;
  private unblockedBy: Unblocked | undefined;
  private readonly pendingMessages: string[] = [];

  constructor(
    /** Everything the generation does runs in this scope; cancel cancels it. */
    readonly scope: CancellationScope,
    private readonly recorder: Recorder,
    private readonly scheduler: ToolScheduler,
  ) {}

  get cancelRequested(): boolean {
    return this.cancelReason !== undefined;
  }

  get cancelledBecause(): string {
    return this.cancelReason ?? 'The workflow was cancelled in Temporal';
  }

  assertCancellable(reason: string | undefined): void {
    if (reason !== undefined && reason.length > maxReasonLength) throw conflict(`The reason is longer than ${maxReasonLength} characters`);
    if (this.cancelRequested) throw conflict('The generation is already being cancelled');
    if (isFinished(this.recorder.state.status)) throw conflict(`The generation is already ${this.recorder.state.status}`);
  }

  cancel(reason: string | undefined): void {
    this.cancelReason = reason?.trim() || 'Cancelled by request';
    this.scope.cancel();
  }

  throwIfCancelled(): void {
    if (this.cancelRequested) throw new CancelledFailure(this.cancelledBecause);
  }

  assertResumable(): void {
    if (!this.blocked || this.unblockedBy !== undefined) {
      throw conflict(`Only a blocked generation can be resumed; this one is ${this.recorder.state.status}`);
    }
  }

  resume(): void {
    if (this.blocked) this.unblockedBy ??= 'resume';
  }

  assertAcceptsMessage(text: string): void {
    if (text.trim().length === 0) throw conflict('The message text is empty');
    const status = this.recorder.state.status;
    // Once the cancel has ended the generation, its run only archives and closes: the API waits for
    // the close and continues it in a new run, as for any finished generation.
    if (isFinished(status)) {
      throw ApplicationFailure.create({ type: UpdateRejection.finishing, message: `The generation is ${status}; its run is closing`, nonRetryable: true });
    }
    if (this.cancelRequested) throw conflict('The generation is being cancelled');
    if (status !== GenerationStatus.blocked && status !== GenerationStatus.waiting) {
      throw conflict(`A message continues a finished, blocked or waiting generation; this one is ${status}`);
    }
  }

  /** While blocked, the message resumes the call; while tools wait for decisions, it answers them all. */
  message(text: string): void {
    this.pendingMessages.push(text);
    if (this.blocked) this.unblockedBy ??= 'message';
    else this.scheduler.decideAllByMessage();
  }

  takeMessages(): string[] {
    return this.pendingMessages.splice(0, this.pendingMessages.length);
  }

  /** Waits (durably, in the generation's scope so cancel ends it) until resumed, messaged, or the timeout passes. */
  async waitWhileBlocked(iteration: number, error: string, timeoutMs: number): Promise<Unblocked> {
    this.blocked = true;
    this.unblockedBy = undefined;
    this.recorder.emit({ type: 'generation.blocked', iteration, error, until: new Date(Date.now() + timeoutMs).toISOString() });
    try {
      const unblocked = await condition(() => this.unblockedBy !== undefined, timeoutMs, {
        summary: `blocked at iteration ${iteration}: waiting for resume, a message or cancel`,
      });
      return unblocked ? (this.unblockedBy ?? 'resume') : 'timeout';
    } finally {
      this.blocked = false;
      this.unblockedBy = undefined;
    }
  }
}

function conflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: UpdateRejection.conflict, message, nonRetryable: true });
}
