import type { GenerationEvent } from '../../src/shared/events';

/** Statuses after which a benchmark stops watching: finished, or stuck waiting for a person. */
const settledStatuses = new Set(['completed', 'failed', 'cancelled', 'blocked', 'waiting']);

export interface FollowedGeneration {
  id: string;
  status: string;
  events: GenerationEvent[];
  /** Polls answered with something other than 200 (503 busy included). */
  httpErrors: number;
  /** Pages that said the buffer had dropped events this client never saw. */
  gaps: number;
  polls: number;
}

export interface FollowOptions {
  pollMs: number;
  deadline: number;
  signal?: AbortSignal;
}

/** Starts a generation through the HTTP API; resolves to its id. */
export async function createGeneration(url: string, prompt: string): Promise<string> {
  const res = await fetch(`${url}/v1/generations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt }),
  });
  const body = (await res.json()) as { id?: string; error?: unknown };
  if (res.status !== 201 || !body.id) throw new Error(`POST /v1/generations answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * Polls a generation's events with a cursor, as a client would (`after=<last seq>`, again at once while
 * the page ends below `lastSeq`, else after `pollMs`), until it settles or the deadline passes.
 */
export async function followGeneration(url: string, id: string, options: FollowOptions): Promise<FollowedGeneration> {
  const followed: FollowedGeneration = { id, status: 'running', events: [], httpErrors: 0, gaps: 0, polls: 0 };
  let cursor = 0;
  while (Date.now() < options.deadline && !options.signal?.aborted) {
    followed.polls++;
    let page: { events: GenerationEvent[]; lastSeq: number; gap: boolean; status: string } | undefined;
    try {
      const res = await fetch(`${url}/v1/generations/${id}/events?after=${cursor}&limit=1000`, { signal: options.signal });
      if (res.status === 200) page = (await res.json()) as typeof page;
      else {
        followed.httpErrors++;
        await res.arrayBuffer();
      }
    } catch {
      if (options.signal?.aborted) break;
      followed.httpErrors++;
    }
    if (page) {
      if (page.gap) followed.gaps++;
      followed.events.push(...page.events);
      if (page.events.length > 0) cursor = page.events[page.events.length - 1].seq;
      followed.status = page.status;
      if (cursor < page.lastSeq) continue;
      if (settledStatuses.has(page.status)) break;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  return followed;
}
