import { z } from 'zod';
import type { EventPage } from '../shared/event-log';
import type { GenerationFollowers } from './generation-followers';
import { readGenerationEvents } from './generation-reads';
import type { GenerationService } from './generation-service';
import { HttpError } from './http-error';
import { eventsQueryParams, generationIdParam, parseOr400 } from './request-schemas';

export const maxWaitMs = 30_000;
const waitQueryParams = eventsQueryParams.extend({ wait: z.coerce.number().int().min(0).max(maxWaitMs).default(0) });

/**
 * `GET /v1/generations/:id/events?after=&wait=<ms>`: a page answered as soon as it holds an event (or
 * a gap), else at the deadline with no events. The wait rides on the generation's follower, so long
 * pollers cost Temporal no more than one poller; a client that hangs up stops waiting.
 */
export async function readEventsWaiting(
  generations: GenerationService,
  followers: GenerationFollowers,
  rawId: unknown,
  rawQuery: unknown,
  hungUp: AbortSignal,
): Promise<EventPage> {
  const id = parseOr400(generationIdParam, rawId, 'id');
  const { after, wait } = parseOr400(waitQueryParams, rawQuery, 'query');
  const page = await readGenerationEvents(generations, id, rawQuery);
  if (wait === 0 || page.events.length > 0 || page.gap) return page;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown): void => {
      clearTimeout(timer);
      unsubscribe();
      hungUp.removeEventListener('abort', onAbort);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = (): void => done();
    const timer = setTimeout(() => done(), wait);
    hungUp.addEventListener('abort', onAbort);
    const unsubscribe = followers.subscribe(id, (update) => {
      if ('error' in update) {
        // Outages are waited out until the deadline; a generation that vanished is a 404 now.
        if (update.error instanceof HttpError && update.error.status === 404) done(update.error);
      } else if (update.lastSeq > after) {
        done();
      }
    });
  });
  return readGenerationEvents(generations, id, rawQuery);
}
