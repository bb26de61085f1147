import { CancelledFailure, type CancellationScope } from '@temporalio/workflow';
import type { FailedAttemptCost } from '../shared/model-turn';
import type { Recorder } from './recorder';

export const budgetExceededCode = 'budget_exceeded';

/**
 * The generation's `maxCostUsd`. Everything paid for counts (each turn, and model attempts that
 * failed or were superseded: they report their cost); once the sum reaches the limit the
 * generation's scope is cancelled, which stops the stream and the tools, and the generation ends
 * `failed` with code `budget_exceeded`. Without a limit it only counts.
 */
export class SpendLimit {
  private readonly reported = new Set<string>();
  private exceeded: string | undefined;

  constructor(
    private readonly maxCostUsd: number | undefined,
    private readonly recorder: Recorder,
    private readonly scope: CancellationScope,
  ) {}

  /** Why the generation stopped for its spend, once it did. */
  get exceededBecause(): string | undefined {
    return this.exceeded;
  }

  /** What the next model call may spend; undefined without a limit, or when the cost is unknown (no price: the API refuses a limit then). */
  remainingUsd(): number | undefined {
    const spent = this.recorder.state.costUsd;
    return this.maxCostUsd === undefined || spent === null ? undefined : Math.max(0, this.maxCostUsd - spent);
  }

  /** A failed attempt's cost, counted once however often the signal arrives. */
  recordFailedAttempt(cost: FailedAttemptCost): void {
    const key = `${cost.iteration}/${cost.attempt}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.recorder.emit({ type: 'attempt.failed', iteration: cost.iteration, attempt: cost.attempt, usage: cost.usage, costUsd: cost.costUsd });
    this.check();
  }

  /** Stops everything once the spend reached the limit. */
  check(): void {
    if (this.maxCostUsd === undefined || this.exceeded !== undefined) return;
    const spent = this.recorder.state.costUsd;
    if (spent === null || spent < this.maxCostUsd) return;
    this.stop(`The generation reached its spend limit: $${spent} spent of maxCostUsd $${this.maxCostUsd}`);
  }

  /** The model call itself stopped at the limit mid-stream. */
  stop(reason: string): void {
    if (this.exceeded !== undefined) return;
    this.exceeded = reason;
    this.scope.cancel();
  }

  throwIfExceeded(): void {
    this.check();
    if (this.exceeded !== undefined) throw new CancelledFailure(this.exceeded);
  }
}
