import { setTimeout as sleep } from 'timers/promises';

/** The real API pings roughly this often while a stream is quiet. */
export const PING_INTERVAL_MS = 2000;

/**
 * Owns the time axis of one stream: paces deltas to a token rate and keeps pings
 * flowing during any wait. Pacing is deadline-based (not sleep-per-delta) so timer
 * jitter does not accumulate over a long demo stream.
 */
export class StreamClock {
  private lastPingAt = Date.now();
  private due = Date.now();

  constructor(
    private readonly tokensPerSecond: number | undefined,
    private readonly signal: AbortSignal,
    private readonly sendPing: () => Promise<void>,
  ) {}

  markPinged(): void {
    this.lastPingAt = Date.now();
  }

  /** Wait until `tokens` more tokens are "due" at the configured rate. */
  async spend(tokens: number): Promise<void> {
    const rate = this.tokensPerSecond;
    if (rate === undefined || !Number.isFinite(rate) || rate <= 0) {
      await this.waitUntil(Date.now());
      return;
    }
    // After a long stall or slow client, don't burst to "catch up" to the old schedule.
    this.due = Math.max(this.due, Date.now() - 50) + (tokens / rate) * 1000;
    await this.waitUntil(this.due);
  }

  async pause(ms: number): Promise<void> {
    this.due = Math.max(this.due, Date.now()) + Math.max(0, ms);
    await this.waitUntil(this.due);
  }

  /** Silence without pings: only an abort (client gone or server closing) ends it. */
  async stall(): Promise<void> {
    if (this.signal.aborted) return;
    await new Promise<void>((resolve) => this.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  private async waitUntil(deadline: number): Promise<void> {
    for (;;) {
      if (this.signal.aborted) return;
      const now = Date.now();
      if (now - this.lastPingAt >= PING_INTERVAL_MS) {
        await this.sendPing();
        this.markPinged();
        continue;
      }
      if (now >= deadline) return;
      const wakeAt = Math.min(deadline, this.lastPingAt + PING_INTERVAL_MS);
      try {
        await sleep(Math.max(1, wakeAt - now), undefined, { signal: this.signal });
      } catch {
        return; // aborted
      }
    }
  }
}
