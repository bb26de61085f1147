import { setTimeout as sleep } from 'node:timers/promises';
import type { EventPage } from '../../src/shared/event-log';
import type { GenerationEvent } from '../../src/shared/events';
import { isFinished, type GenerationState } from '../../src/shared/state';

/** A page of events and when the client had it parsed in hand (this process's clock, the worker's too). */
export interface ReceivedPage {
  page: EventPage;
  receivedAt: number;
}

/** How many times a 503 (Temporal busy) is waited out before the bench gives up on a request. */
const busyRetries = 50;

/**
 * The public HTTP API as an outside client uses it, timing what the measures need. A 503 is the
 * API's documented "poll again" answer under load, so it is retried rather than counted as a crash.
 */
export class GenerationClient {
  constructor(readonly baseUrl: string) {}

  /** Starts a generation; `requestedAt` is taken just before the POST leaves. */
  async create(prompt: string): Promise<{ id: string; requestedAt: number }> {
    const requestedAt = Date.now();
    const body = await this.request<{ id: string }>('POST', '/v1/generations', { prompt }, 201);
    return { id: body.id, requestedAt };
  }

  async state(id: string): Promise<GenerationState> {
    return this.request<GenerationState>('GET', `/v1/generations/${id}`, undefined, 200);
  }

  async events(id: string, after: number): Promise<ReceivedPage> {
    const page = await this.request<EventPage>('GET', `/v1/generations/${id}/events?after=${after}`, undefined, 200);
    return { page, receivedAt: Date.now() };
  }

  /** Polls the state at a slow cadence (so the poller adds little load) until the generation is over. */
  async waitFinished(id: string, options: { intervalMs: number; timeoutMs: number }): Promise<GenerationState> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const state = await this.state(id);
      if (isFinished(state.status)) return state;
      if (Date.now() > deadline) throw new Error(`generation ${id} still ${state.status} after ${options.timeoutMs} ms`);
      await sleep(options.intervalMs);
    }
  }

  /** Every event of a generation, paging with the cursor; it must be gap-free. */
  async allEvents(id: string): Promise<GenerationEvent[]> {
    const events: GenerationEvent[] = [];
    let cursor = 0;
    for (;;) {
      const { page } = await this.events(id, cursor);
      if (page.gap) throw new Error(`generation ${id}: the event buffer no longer holds seq ${cursor + 1}`);
      events.push(...page.events);
      cursor = events.at(-1)?.seq ?? cursor;
      if (cursor >= page.lastSeq || page.events.length === 0) return events;
    }
  }

  private async request<T>(method: string, route: string, body: unknown, expected: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.baseUrl + route, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === expected) return JSON.parse(text) as T;
      if (res.status === 503 && attempt < busyRetries) {
        await sleep(Math.min(1000, Number(res.headers.get('retry-after') ?? '0') * 1000 || 100));
        continue;
      }
      throw new Error(`${method} ${route}: HTTP ${res.status} ${text.slice(0, 500)}`);
    }
  }
}

/** A prompt that makes the fake model play the named scenario. */
export function promptFor(scenario: string): string {
  return `[[scenario:${scenario}]] benchmark`;
}

export function eventsOfType<T extends GenerationEvent['type']>(events: readonly GenerationEvent[], type: T): Extract<GenerationEvent, { type: T }>[] {
  return events.filter((event): event is Extract<GenerationEvent, { type: T }> => event.type === type);
}
