import type { GenerationEvent, GenerationEventBody } from './events';
import { reduce } from './reducer';
import { initialState, type GenerationState, type GenerationStatus } from './state';

export interface EventPage {
  events: GenerationEvent[];
  /** The newest seq the generation has; more events exist when it is above the last one returned. */
  lastSeq: number;
  /** True when `after` is older than the buffer holds: `state` then is the state just before `events[0]`. */
  gap: boolean;
  status: GenerationStatus;
  state?: GenerationState;
}

export interface EventLogSnapshot {
  capacity: number;
  events: GenerationEvent[];
  baseState: GenerationState;
  state: GenerationState;
}

export const maxEventPageSize = 1000;

/** A page stops before this many bytes of events (holding at least one): a query answer stays far below Temporal's limits. */
export const maxEventPageBytes = 1024 * 1024;
/** The buffer also evicts past this many bytes of events, so the log a run carries on is bounded in bytes too. */
export const maxEventBufferBytes = 2 * 1024 * 1024;

function sizeOf(event: GenerationEvent): number {
  return JSON.stringify(event).length;
}

/**
 * The bounded, sequenced event buffer. It keeps two folds: `state` over every event ever appended,
 * and `baseState` over the events already evicted. A client that fell behind the buffer gets
 * `baseState` plus the retained events, and folding those yields exactly `state` again.
 */
export class EventLog {
  private readonly capacity: number;
  private events: GenerationEvent[];
  /** JSON length of each retained event, and their sum. */
  private sizes: number[];
  private bufferedBytes: number;
  private baseState: GenerationState;
  private current: GenerationState;

  constructor(capacity: number, snapshot?: EventLogSnapshot) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.events = snapshot ? [...snapshot.events] : [];
    this.sizes = this.events.map(sizeOf);
    this.bufferedBytes = this.sizes.reduce((sum, size) => sum + size, 0);
    this.baseState = snapshot?.baseState ?? initialState;
    this.current = snapshot?.state ?? initialState;
    this.evictOverflow();
  }

  get state(): GenerationState {
    return this.current;
  }

  append(body: GenerationEventBody, at: string): GenerationEvent {
    const event = { ...body, seq: this.current.lastSeq + 1, at } as GenerationEvent;
    this.current = reduce(this.current, event);
    this.events.push(event);
    const size = sizeOf(event);
    this.sizes.push(size);
    this.bufferedBytes += size;
    this.evictOverflow();
    return event;
  }

  read(after: number, limit: number = maxEventPageSize): EventPage {
    const pageSize = Math.max(1, Math.min(Math.floor(limit), maxEventPageSize));
    const oldestRetained = this.events.length > 0 ? this.events[0].seq : this.current.lastSeq + 1;
    const base = { lastSeq: this.current.lastSeq, status: this.current.status };
    if (after < oldestRetained - 1) {
      return { ...base, gap: true, state: this.baseState, events: this.page(0, pageSize) };
    }
    return { ...base, gap: false, events: this.page(Math.max(0, after - oldestRetained + 1), pageSize) };
  }

  private page(start: number, count: number): GenerationEvent[] {
    let end = start;
    for (let bytes = 0; end < this.events.length && end - start < count; end++) {
      bytes += this.sizes[end];
      if (end > start && bytes > maxEventPageBytes) break;
    }
    return this.events.slice(start, end);
  }

  snapshot(): EventLogSnapshot {
    return { capacity: this.capacity, events: [...this.events], baseState: this.baseState, state: this.current };
  }

  private evictOverflow(): void {
    while (this.events.length > this.capacity || (this.events.length > 1 && this.bufferedBytes > maxEventBufferBytes)) {
      const evicted = this.events.shift() as GenerationEvent;
      this.bufferedBytes -= this.sizes.shift() as number;
      this.baseState = reduce(this.baseState, evicted);
    }
  }
}
