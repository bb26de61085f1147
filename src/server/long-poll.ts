import { z } from 'zod';
import type { EventPage } from '../shared/event-log';
import type { GenerationFollowers } from './generation-followers';
import type { GenerationService } from './generation-service';
import { HttpError } from './http-error';
import { eventsQueryParams, generationIdParam, parseOr400 } from './request-schemas';

export const maxWaitMs = 30_000;

/**
 * Registers a call for when the client hangs up; returns its removal. (Not an AbortSignal: aborting
 * one builds a DOMException with a stack trace, 2 % of the API's CPU with 1,000 long pollers.)
 */
export type HangUpHook = (listener: () => void) => () => void;
const waitQueryParams = eventsQueryParams.extend({ wait: z.coerce.number().int().min(0).max(maxWaitMs).default(0) });

/**
 * `GET /v1/generations/:id/events?after=&wait=<ms>`: a page answered as soon as it holds an event (or
 * a gap), else at the deadline with no events. The wait rides on the generation's follower, so long
 * pollers cost Temporal no more than one poller; a client that hangs up stops waiting.
 *
 * A poller already caught up with a followed generation (the common case: it just had the page the
 * follower's last wake handed out) waits at once, without a read of its own, and is answered with the
 * page of the wake that finds new events: one page object for every poller at the same cursor.
 */
export async function readEventsWaiting(
  generations: GenerationService,
  followers: GenerationFollowers,
  rawId: unknown,
  rawQuery: unknown,
  onHangUp: HangUpHook,
): Promise<EventPage> {
  const id = parseOr400(generationIdParam, rawId, 'id');
  const { after, limit, wait } = parseOr400(waitQueryParams, rawQuery, 'query');
  if (wait === 0) return generations.events(id, after, limit);
  const followed = followers.position(id);
  // The follower keeps the mirror at most one refresh old, as fresh as a read would make it: a followed
  // generation is read from the mirror as it is, so long polls never add a refresh of their own.
  if (!followed || followed.lastSeq > after) {
    const page = (followed && generations.mirroredEvents(id, after, limit)) || (await generations.events(id, after, limit));
    if (page.events.length > 0 || page.gap) return page;
  }
  const woken = await new Promise<EventPage | undefined>((resolve, reject) => {
    const done = (page?: EventPage, err?: unknown): void => {
      clearTimeout(timer);
      unsubscribe();
      stopListening();
      if (err === undefined) resolve(page);
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const timer = setTimeout(() => done(), wait);
    const stopListening = onHangUp(() => done());
    const unsubscribe = followers.subscribe(id, (update) => {
      if ('error' in update) {
        // Outages are waited out until the deadline; a generation that vanished is a 404 now.
        if (update.error instanceof HttpError && update.error.status === 404) done(undefined, update.error);
      } else if (update.lastSeq > after) {
        done(update.pageAfter(after, limit));
      }
    });
    // Subscribed after the position was read: a wake in between is in the mirror already.
    const missed = followed && followed.lastSeq <= after ? generations.mirroredEvents(id, after, limit) : undefined;
    if (missed && (missed.events.length > 0 || missed.gap)) done(missed);
  });
  return woken ?? generations.events(id, after, limit);
}
