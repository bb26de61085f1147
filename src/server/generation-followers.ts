import type { EventPage } from '../shared/event-log';
import type { GenerationStatus } from '../shared/state';

/** What a follower reads: the GenerationReader's mirror (through GenerationService), nothing else. */
export interface EventPageSource {
  events(id: string, after: number, limit: number): Promise<EventPage>;
}

/** What subscribers hear: the newest seq and status the mirror holds, or the error a refresh ended in. */
export type FollowUpdate = { lastSeq: number; status: GenerationStatus } | { error: unknown };
export type FollowListener = (update: FollowUpdate) => void;

export interface FollowerOptions {
  /** A followed generation is refreshed on this cadence (the next refresh starts this long after the last one started). */
  intervalMs?: number;
  /** Pause after a failed refresh (Temporal busy or out of reach) before the next. */
  errorBackoffMs?: number;
}

interface Follower {
  listeners: Set<FollowListener>;
  lastSeq: number;
  status: GenerationStatus | undefined;
}

/**
 * Push delivery on top of the polled mirror. One follower per generation refreshes the reader's
 * mirror in a loop while it has subscribers, and tells them when the log grows. However many SSE
 * streams and long polls watch a generation, the API process asks Temporal for it as one poller
 * would; subscribers then read their own pages from the mirror, which is fresh, so that costs no query.
 */
export class GenerationFollowers {
  private readonly followers = new Map<string, Follower>();
  private readonly intervalMs: number;
  private readonly errorBackoffMs: number;

  constructor(
    private readonly source: EventPageSource,
    options: FollowerOptions = {},
  ) {
    // 50 ms: on average 25 ms of waiting added to a push (SSE delivery p50 ≤ 100 ms, docs/PERFORMANCE.md), for
    // 20 queries a second per watched generation per API process, however many watch it.
    this.intervalMs = options.intervalMs ?? 50;
    this.errorBackoffMs = options.errorBackoffMs ?? 1_000;
  }

  /** Generations followed right now (for tests: a follower must stop with its last subscriber). */
  get size(): number {
    return this.followers.size;
  }

  /** Calls `listener` on every change of the generation's lastSeq or status, and on refresh errors; returns the unsubscribe. */
  subscribe(id: string, listener: FollowListener): () => void {
    let follower = this.followers.get(id);
    const fresh = !follower;
    if (!follower) {
      follower = { listeners: new Set(), lastSeq: -1, status: undefined };
      this.followers.set(id, follower);
    }
    follower.listeners.add(listener);
    // Started once it has a listener: the loop runs while it has any.
    if (fresh) void this.follow(id, follower);
    const subscribed = follower;
    return () => {
      subscribed.listeners.delete(listener);
      if (subscribed.listeners.size === 0 && this.followers.get(id) === subscribed) this.followers.delete(id);
    };
  }

  private async follow(id: string, follower: Follower): Promise<void> {
    while (follower.listeners.size > 0) {
      const startedAt = Date.now();
      let pause = this.intervalMs;
      let update: FollowUpdate | undefined;
      try {
        // limit 1 after the newest seq seen: only lastSeq and status matter here, the page is tiny.
        const page = await this.source.events(id, Math.max(0, follower.lastSeq), 1);
        if (page.lastSeq !== follower.lastSeq || page.status !== follower.status) {
          follower.lastSeq = page.lastSeq;
          follower.status = page.status;
          update = { lastSeq: page.lastSeq, status: page.status };
        }
      } catch (error) {
        update = { error };
        pause = this.errorBackoffMs;
      }
      if (update) for (const listener of [...follower.listeners]) listener(update);
      if (follower.listeners.size === 0) break;
      // A fixed cadence: the query's own time is not added to the wait for the next one.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + pause - Date.now())));
    }
  }
}
