import type { Request, RequestHandler, Response } from 'express';
import type { ApiMetrics } from '../api-metrics';
import { maxEventPageSize, type EventPage } from '../../shared/event-log';
import { isFinished } from '../../shared/state';
import type { GenerationFollowers } from '../generation-followers';
import type { GenerationService } from '../generation-service';
import { HttpError } from '../http-error';
import { generationIdParam, parseOr400 } from '../request-schemas';
import { keepAliveFrame, retryFrame, streamChunk } from '../sse-frames';
import { streamCursor } from '../stream-cursor';

export interface StreamOptions {
  /** A comment goes out this often, so proxies and clients do not take a quiet stream for a dead one. */
  keepAliveMs?: number;
  /** A client this many bytes behind is cut off; it reconnects with Last-Event-ID and loses nothing. */
  maxBufferedBytes?: number;
  metrics?: ApiMetrics;
}

/**
 * `GET /v1/generations/:id/stream`: the event log pushed as server-sent events, each with its seq as
 * id, so an EventSource that reconnects resumes exactly where it stopped. Pages come from the reader's
 * mirror, woken by the generation's follower; the stream ends after a terminal event once caught up.
 */
export function streamGeneration(generations: GenerationService, followers: GenerationFollowers, options: StreamOptions = {}): RequestHandler {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;

  return async function streamEvents(req: Request, res: Response) {
    const id = parseOr400(generationIdParam, req.params.id, 'id');
    let cursor = streamCursor(req.get('last-event-id'), req.query);
    // Read once before the headers go out, so an unknown id or an outage is an ordinary JSON error.
    const first = await generations.events(id, cursor, maxEventPageSize);

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    options.metrics?.openStreams.inc();

    let closed = false;
    let pumping = false;
    let again = false;
    const send = (frame: string): void => {
      res.write(frame);
      if (res.writableLength > maxBufferedBytes) finish(true);
    };
    const keepAlive = setInterval(() => send(keepAliveFrame), keepAliveMs);
    let unsubscribe = (): void => undefined;
    function finish(abort = false): void {
      if (closed) return;
      closed = true;
      options.metrics?.openStreams.dec();
      clearInterval(keepAlive);
      unsubscribe();
      if (abort) res.destroy();
      else res.end();
    }
    res.on('close', () => finish());

    /**
     * Sends the page's frames after the cursor in one write. Returns whether the stream is caught up
     * with the page (or over); false: the page was cut at its size limit, read on from the new cursor.
     */
    function deliver(page: EventPage, prefix = ''): boolean {
      const chunk = streamChunk(page, cursor);
      if (prefix !== '' || chunk.text !== '') send(prefix + chunk.text);
      cursor = chunk.cursor;
      if (closed) return true;
      if (cursor >= page.lastSeq && isFinished(page.status)) {
        finish();
        return true;
      }
      return cursor >= page.lastSeq || page.events.length === 0;
    }

    /** Serves pages read by `read` (synchronous, from the mirror) until caught up; false if the mirror had none. */
    function deliverFrom(read: (after: number) => EventPage | undefined): boolean {
      while (!closed) {
        const page = read(cursor);
        if (!page) return false;
        if (deliver(page)) return true;
      }
      return true;
    }

    /** The slow way, when the mirror is gone (evicted, invalidated): pages read through the service, one at a time. */
    async function pump(): Promise<void> {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          while (!closed && !deliver(await generations.events(id, cursor, maxEventPageSize)));
        } while (again && !closed);
      } catch (err) {
        // Temporal busy or away: the follower wakes us again once a refresh works. A vanished generation ends the stream.
        if (err instanceof HttpError && err.status === 404) finish();
      } finally {
        pumping = false;
      }
    }

    // The retry hint goes out with the first page, in one write.
    if (!deliver(first, retryFrame(1_000)) && !closed) await pump();
    if (closed) return;
    unsubscribe = followers.subscribe(id, (update) => {
      if ('error' in update) {
        if (update.error instanceof HttpError && update.error.status === 404) finish();
        return;
      }
      if (update.lastSeq <= cursor || closed) return;
      if (pumping) again = true;
      else if (!deliverFrom((after) => update.pageAfter(after, maxEventPageSize))) void pump();
    });
    // Whatever reached the mirror between the first read and the subscription (the follower only tells of changes).
    if (!pumping && !deliverFrom((after) => generations.mirroredEvents(id, after, maxEventPageSize))) void pump();
  };
}
