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

/**
 * The bounded, sequenced event buffer. It keeps two folds: `state` over every event ever appended,
 * and `baseState` over the events already evicted. A client that fell behind the buffer gets
 * `baseState` plus the retained events, and folding those yields exactly `state` again.
 */
export class EventLog {
  private readonly capacity: number;
  private events: GenerationEvent[];
  private baseState: GenerationState;
  private current: GenerationState;

  constructor(capacity: number, snapshot?: EventLogSnapshot) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event buffer capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.events = snapshot ? [...snapshot.events] : [];
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
    this.evictOverflow();
    return event;
  }

  read(after: number, limit: number = maxEventPageSize): EventPage {
    const pageSize = Math.max(1, Math.min(Math.floor(limit), maxEventPageSize));
    const oldestRetained = this.events.length > 0 ? this.events[0].seq : this.current.lastSeq + 1;
    const base = { lastSeq: this.current.lastSeq, status: this.current.status };
    if (after < oldestRetained - 1) {
      return { ...base, gap: true, state: this.baseState, events: this.events.slice(0, pageSize) };
    }
    const start = after - oldestRetained + 1;
    return { ...base, gap: false, events: this.events.slice(Math.max(0, start), Math.max(0, start) + pageSize) };
  }

  snapshot(): EventLogSnapshot {
    return { capacity: this.capacity, events: [...this.events], baseState: this.baseState, state: this.current };
  }

  private evictOverflow(): void {
    while (this.events.length > this.capacity) {
      const evicted = this.events.shift() as GenerationEvent;
      this.baseState = reduce(this.baseState, evicted);
    }
  }
}
