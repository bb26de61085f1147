import { costUsd, type ModelPrice } from '../../shared/pricing';
import type { Usage } from '../../shared/usage';

/** The usual rule of thumb for English text and code; only an estimate until the stream reports its count. */
const CHARS_PER_TOKEN = 4;

/**
 * What one model attempt has cost so far, while it streams. Input tokens come with message_start;
 * output tokens usually only with the final message_delta, so until then they are estimated from
 * the characters streamed (~4 a token), which lets a spend limit stop a stream that is running up
 * the bill instead of learning it at the end.
 */
export class SpendMeter {
  private chars = 0;

  constructor(
    private readonly price: ModelPrice | undefined,
    private readonly budgetUsd: number | undefined,
  ) {}

  streamed(chars: number): void {
    this.chars += chars;
  }

  estimate(reported: Usage): Usage {
    return { ...reported, outputTokens: Math.max(reported.outputTokens, Math.ceil(this.chars / CHARS_PER_TOKEN)) };
  }

  reachedBudget(reported: Usage): boolean {
    if (this.budgetUsd === undefined) return false;
    // An unpriced model cannot be held to a budget (the API refuses maxCostUsd for one).
    const cost = costUsd(this.price, this.estimate(reported));
    return cost !== null && cost >= this.budgetUsd;
  }
}
