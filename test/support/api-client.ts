import type { EventPage } from '../../src/shared/event-log';
import type { GenerationEvent } from '../../src/shared/events';
import { isFinished, type GenerationState } from '../../src/shared/state';

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

export type StateResponse = GenerationState & { elapsedMs: number };

/** A plain HTTP client of the public API, used the way an outside client would use it. */
export class ApiClient {
  /** `headers` go with every request (an Authorization header, say); a request's own headers win. */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request<T = unknown>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const init: RequestInit = { method, headers: { ...this.headers, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + route, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async create(prompt: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.request<{ id: string }>('POST', '/v1/generations', { prompt, ...extra });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async state(id: string): Promise<StateResponse> {
    const res = await this.request<StateResponse>('GET', `/v1/generations/${id}`);
    if (res.status !== 200) throw new Error(`state failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async events(id: string, after: number, limit?: number): Promise<EventPage> {
    const query = limit === undefined ? `after=${after}` : `after=${after}&limit=${limit}`;
    const res = await this.request<EventPage>('GET', `/v1/generations/${id}/events?${query}`);
    if (res.status === 503) throw new UnavailableError(`events failed: 503 ${JSON.stringify(res.body)}`);
    if (res.status !== 200) throw new Error(`events failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Polls the state until `predicate` holds (or throws after `timeoutMs`): for waiting on a generation mid-way. */
  async waitForState(id: string, predicate: (state: StateResponse) => boolean, timeoutMs = 30_000): Promise<StateResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state(id);
      if (predicate(state)) return state;
      if (Date.now() > deadline) throw new Error(`generation ${id} never reached the awaited state; last: ${JSON.stringify(state).slice(0, 2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async post<T = unknown>(route: string, body?: unknown): Promise<HttpResult<T>> {
    return this.request<T>('POST', route, body);
  }

  /**
   * Polls with a cursor until the generation is over and every event is read, as a client would:
   * a 503 (Temporal busy or slow, "try again shortly") is asked again from the same cursor.
   * Throws if the sequence ever has a hole or a repeat: no event may be lost or delivered twice.
   */
  async pollToEnd(id: string, options: { intervalMs?: number; limit?: number; timeoutMs?: number } = {}): Promise<GenerationEvent[]> {
    const { intervalMs = 50, limit, timeoutMs = 60_000 } = options;
    const deadline = Date.now() + timeoutMs;
    const events: GenerationEvent[] = [];
    let cursor = 0;
    for (;;) {
      let page: EventPage;
      try {
        page = await this.events(id, cursor, limit);
      } catch (err) {
        if (!(err instanceof UnavailableError) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (page.gap) throw new Error(`gap after seq ${cursor}: the poller fell behind the buffer`);
      for (const event of page.events) {
        if (event.seq !== cursor + 1) throw new Error(`expected seq ${cursor + 1}, got ${event.seq}`);
        events.push(event);
        cursor = event.seq;
      }
      const caughtUp = cursor === page.lastSeq;
      if (caughtUp && isFinished(page.status)) return events;
      if (Date.now() > deadline) {
        // Why it is stuck (a blocked generation's error names the failed call) makes a failure readable.
        const { body } = await this.request<{ error?: string | null }>('GET', `/v1/generations/${encodeURIComponent(id)}`);
        throw new Error(`generation ${id} still ${page.status} after ${timeoutMs} ms${body?.error ? `: ${body.error}` : ''}`);
      }
      if (caughtUp) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** The API's 503: Temporal busy or slow, "try again shortly". */
class UnavailableError extends Error {}
