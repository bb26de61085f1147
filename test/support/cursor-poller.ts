import type { EventPage } from '../../src/shared/event-log';
import type { GenerationEvent } from '../../src/shared/events';

const terminalStatuses: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export interface PollerOptions {
  intervalMs?: number;
  /** Gives up (rejecting `finished`) when the generation is not over by then. */
  timeoutMs?: number;
  /** Each request's own limit, so a hung query counts as one failed poll rather than stalling the poller. */
  requestTimeoutMs?: number;
}

export interface FailedPoll {
  at: number;
  reason: string;
}

/**
 * A client polling one generation with a cursor while parts of the system die and come back: a 5xx
 * answer or a failed connection is an outage to wait out (it is recorded in `failures`), anything
 * else unexpected ends the poll. Every event must arrive exactly once and in order: a hole, a
 * repeat or a `gap` page rejects `finished`. `events` grows as pages come in, so a test can act on them.
 */
export class CursorPoller {
  readonly events: GenerationEvent[] = [];
  readonly failures: FailedPoll[] = [];
  readonly finished: Promise<GenerationEvent[]>;
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly generationId: string,
    private readonly options: PollerOptions = {},
  ) {
    this.finished = this.run();
    // The test awaits `finished` later; until then a rejection must not count as unhandled.
    this.finished.catch(() => undefined);
  }

  get cursor(): number {
    return this.events.length === 0 ? 0 : this.events[this.events.length - 1].seq;
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<GenerationEvent[]> {
    const { intervalMs = 50, timeoutMs = 180_000 } = this.options;
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped) {
      if (Date.now() > deadline) throw new Error(`generation ${this.generationId} not finished after ${timeoutMs} ms (cursor ${this.cursor})`);
      const page = await this.fetchPage();
      if (!page) {
        await pause(Math.max(intervalMs, 200));
        continue;
      }
      if (page.gap) throw new Error(`gap after seq ${this.cursor}: the poller fell behind the buffer`);
      for (const event of page.events) {
        if (event.seq !== this.cursor + 1) throw new Error(`expected seq ${this.cursor + 1}, got ${event.seq}`);
        this.events.push(event);
      }
      const caughtUp = this.cursor === page.lastSeq;
      if (caughtUp && terminalStatuses.has(page.status)) return this.events;
      if (caughtUp) await pause(intervalMs);
    }
    return this.events;
  }

  /** The next page, or undefined when this poll hit an outage. */
  private async fetchPage(): Promise<EventPage | undefined> {
    const url = `${this.baseUrl}/v1/generations/${this.generationId}/events?after=${this.cursor}`;
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000) });
      status = res.status;
      text = await res.text();
    } catch (err) {
      this.failures.push({ at: Date.now(), reason: `request failed: ${(err as Error).message}` });
      return undefined;
    }
    if (status >= 500) {
      this.failures.push({ at: Date.now(), reason: `${status} ${text}` });
      return undefined;
    }
    if (status !== 200) throw new Error(`events poll answered ${status}: ${text}`);
    return JSON.parse(text) as EventPage;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
