import type { GenerationEvent } from '../../src/shared/events';
import { ApiClient } from './api-client';

export interface RetryingPollerOptions {
  /** Pause once caught up with a running generation. */
  intervalMs?: number;
  /** Pause after a connection error before polling again from the same cursor. */
  retryDelayMs?: number;
  timeoutMs?: number;
}

/**
 * A client that polls a generation to its end with a cursor, as ApiClient.pollToEnd does, but rides
 * out the API going away: a refused or dropped connection is retried from the same cursor, at the
 * address `baseUrl()` names then. Any HTTP error still throws, and so does a hole or repeat in seq.
 */
export class RetryingPoller {
  cursor = 0;
  connectionErrors = 0;
  readonly events: GenerationEvent[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly id: string,
    private readonly options: RetryingPollerOptions = {},
  ) {}

  async pollToEnd(): Promise<GenerationEvent[]> {
    const { intervalMs = 50, retryDelayMs = 50, timeoutMs = 60_000 } = this.options;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`generation ${this.id} not read to its end after ${timeoutMs} ms`);
      let page;
      try {
        page = await new ApiClient(this.baseUrl()).events(this.id, this.cursor);
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        this.connectionErrors++;
        await pause(retryDelayMs);
        continue;
      }
      if (page.gap) throw new Error(`gap after seq ${this.cursor}: the poller fell behind the buffer`);
      for (const event of page.events) {
        if (event.seq !== this.cursor + 1) throw new Error(`expected seq ${this.cursor + 1}, got ${event.seq}`);
        this.events.push(event);
        this.cursor = event.seq;
      }
      const caughtUp = this.cursor === page.lastSeq;
      if (caughtUp && page.status !== 'running') return this.events;
      if (caughtUp) await pause(intervalMs);
    }
  }
}

/**
 * fetch reports refused, reset and cut-off connections as a TypeError (checked by name: under jest it comes
 * from another realm, so instanceof fails); HTTP errors are plain Errors.
 */
function isConnectionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TypeError';
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
