import type { EventPage } from '../shared/event-log';
import type { GenerationStatus } from '../shared/state';

/** What a follower reads: the GenerationReader's mirror (through GenerationService), nothing else. */
export interface EventPageSource {
  events(id: string, after: number, limit: number): Promise<EventPage>;
  /** The mirror's page as it is, without a refresh; undefined when the generation is not mirrored. */
  mirroredEvents(id: string, after: number, limit: number): EventPage | undefined;
}

/**
 * One refresh that found the log grown (or its status changed). `pageAfter` reads the freshly
 * refreshed mirror, once per cursor and limit for all subscribers of this wake: 1,000 subscribers at
 * the same cursor share one page object (and whatever a caller derives from it, e.g. its SSE frames).
 * Undefined when the mirror is gone (evicted or invalidated): read through the service then.
 */
export interface FollowWake {
  lastSeq: number;
  status: GenerationStatus;
  pageAfter(after: number, limit: number): EventPage | undefined;
}

/** What subscribers hear: the newest seq and status the mirror holds, or the error a refresh ended in. */
export type FollowUpdate = FollowWake | { error: unknown };
export type FollowListener = (update: FollowUpdate) => void;

export interface FollowerOptions {
  /** A followed generation is refreshed on this cadence (the next refresh starts this long after the last one started). */
  intervalMs?: number;
  /** Pause after a failed refresh (Temporal busy or out of reach) before the next. */
  errorBackoffMs?: number;
  /** Listeners called per event-loop turn when a wake is handed out; the rest follow after a setImmediate. */
  listenersPerSlice?: number;
}

interface Follower {
  listeners: Set<FollowListener>;
  lastSeq: number;
  status: GenerationStatus | undefined;
  /** The last refresh failed: `lastSeq` may be old. */
  failing: boolean;
}

/** What the follower last saw: the mirror held at least this when its last refresh (at most one interval ago) ended. */
export interface FollowedPosition {
  lastSeq: number;
  status: GenerationStatus;
}

/**
 * Push delivery on top of the polled mirror. One follower per generation refreshes the reader's
 * mirror in a loop while it has subscribers, and when the log grows hands its subscribers the new
 * pages straight from the mirror. However many SSE streams and long polls watch a generation, the
 * API process asks Temporal for it as one poller would, and a wake costs each subscriber no read of
 * its own (no promise, no possible second refresh while 1,000 subscribers are served).
 */
export class GenerationFollowers {
  private readonly followers = new Map<string, Follower>();
  private readonly intervalMs: number;
  private readonly errorBackoffMs: number;
  private readonly listenersPerSlice: number;

  constructor(
    private readonly source: EventPageSource,
    options: FollowerOptions = {},
  ) {
    // 50 ms: on average 25 ms of waiting added to a push (SSE delivery p50 ≤ 100 ms, docs/PERFORMANCE.md), for
    // 20 queries a second per watched generation per API process, however many watch it.
    this.intervalMs = options.intervalMs ?? 50;
    this.errorBackoffMs = options.errorBackoffMs ?? 1_000;
    // Writing to 1,000 sockets in one turn held the event loop ~10-20 ms; slices let the process's other work
    // (the next query's answer, other requests) in between.
    this.listenersPerSlice = options.listenersPerSlice ?? 250;
  }

  /** Generations followed right now (for tests: a follower must stop with its last subscriber). */
  get size(): number {
    return this.followers.size;
  }

  /** Where the generation's follower stands, if one runs and its last refresh worked; undefined otherwise. */
  position(id: string): FollowedPosition | undefined {
    const follower = this.followers.get(id);
    if (!follower || follower.failing || follower.status === undefined) return undefined;
    return { lastSeq: follower.lastSeq, status: follower.status };
  }

  /** Calls `listener` on every change of the generation's lastSeq or status, and on refresh errors; returns the unsubscribe. */
  subscribe(id: string, listener: FollowListener): () => void {
    let follower = this.followers.get(id);
    const fresh = !follower;
    if (!follower) {
      follower = { listeners: new Set(), lastSeq: -1, status: undefined, failing: false };
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
        follower.failing = false;
        if (page.lastSeq !== follower.lastSeq || page.status !== follower.status) {
          follower.lastSeq = page.lastSeq;
          follower.status = page.status;
          update = this.wake(id, page.lastSeq, page.status);
        }
      } catch (error) {
        follower.failing = true;
        update = { error };
        pause = this.errorBackoffMs;
      }
      if (update) await this.notify(follower, update);
      if (follower.listeners.size === 0) break;
      // A fixed cadence: the query's own time is not added to the wait for the next one.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + pause - Date.now())));
    }
  }

  private wake(id: string, lastSeq: number, status: GenerationStatus): FollowWake {
    const pages = new Map<string, EventPage | undefined>();
    return {
      lastSeq,
      status,
      pageAfter: (after, limit) => {
        const key = `${after}/${limit}`;
        if (!pages.has(key)) pages.set(key, this.source.mirroredEvents(id, after, limit));
        return pages.get(key);
      },
    };
  }

  /** Hands `update` to every listener subscribed now, a slice per event-loop turn; done when all have had it. */
  private async notify(follower: Follower, update: FollowUpdate): Promise<void> {
    const listeners = [...follower.listeners];
    for (let start = 0; start < listeners.length; start += this.listenersPerSlice) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (const listener of listeners.slice(start, start + this.listenersPerSlice)) {
        // One that left meanwhile is not called back.
        if (follower.listeners.has(listener)) listener(update);
      }
    }
  }
}
