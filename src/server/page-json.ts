import type { Response } from 'express';
import type { EventPage } from '../shared/event-log';

/**
 * Sends an event page as JSON, serialized and encoded once per page object: the long polls a
 * follower's wake answers at the same cursor share one page (GenerationFollowers), so 1,000 of them
 * cost one JSON.stringify and one Buffer. Written with writeHead/end rather than Express's `send`,
 * whose type lookup, length and freshness checks were ~5 % of the API's CPU under 1,000 long pollers
 * and have nothing to do for a page (no ETag, never a 304). Headers set earlier (CORS) still go out.
 * Pages are never changed after they are read, and the entry goes with the page.
 */
export function sendPage(res: Response, page: EventPage): void {
  let body = serialized.get(page);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(page), 'utf8');
    serialized.set(page, body);
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  if (res.req.method === 'HEAD') res.end();
  else res.end(body);
}

const serialized = new WeakMap<EventPage, Buffer>();
