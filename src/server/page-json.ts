import type { Response } from 'express';
import type { EventPage } from '../shared/event-log';

/**
 * Sends an event page as JSON, serialized once per page object: the long polls a follower's wake
 * answers at the same cursor share one page (GenerationFollowers), so 1,000 of them cost one
 * JSON.stringify. Pages are never changed after they are read, and the entry goes with the page.
 */
export function sendPage(res: Response, page: EventPage): void {
  let body = serialized.get(page);
  if (body === undefined) {
    body = JSON.stringify(page);
    serialized.set(page, body);
  }
  res.type('json').send(body);
}

const serialized = new WeakMap<EventPage, string>();
