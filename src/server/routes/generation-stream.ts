import type { Request, RequestHandler, Response } from 'express';
import type { ApiMetrics } from '../api-metrics';
import { maxEventPageSize } from '../../shared/event-log';
import { isFinished } from '../../shared/state';
import type { GenerationFollowers } from '../generation-followers';
import type { GenerationService } from '../generation-service';
import { HttpError } from '../http-error';
import { generationIdParam, parseOr400 } from '../request-schemas';
import { eventFrame, keepAliveFrame, retryFrame, snapshotFrame } from '../sse-frames';
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
    let first: Awaited<ReturnType<GenerationService['events']>> | undefined = await generations.events(id, cursor, maxEventPageSize);

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
    });
    res.write(retryFrame(1_000));
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

    /** Sends every page after the cursor; one at a time, and once more if woken meanwhile. */
    async function pump(): Promise<void> {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          for (;;) {
            const page = first ?? (await generations.events(id, cursor, maxEventPageSize));
            first = undefined;
            if (closed) return;
            if (page.gap && page.state) {
              send(snapshotFrame(page.state));
              cursor = page.state.lastSeq;
            }
            for (const event of page.events) {
              if (event.seq <= cursor) continue;
              send(eventFrame(event));
              cursor = event.seq;
            }
            if (cursor >= page.lastSeq && isFinished(page.status)) {
              finish();
              return;
            }
            if (cursor >= page.lastSeq || page.events.length === 0) break;
          }
        } while (again && !closed);
      } catch (err) {
        // Temporal busy or away: the follower wakes us again once a refresh works. A vanished generation ends the stream.
        if (err instanceof HttpError && err.status === 404) finish();
      } finally {
        pumping = false;
      }
    }

    await pump();
    if (closed) return;
    unsubscribe = followers.subscribe(id, (update) => {
      if ('error' in update) {
        if (update.error instanceof HttpError && update.error.status === 404) finish();
        return;
      }
      if (update.lastSeq > cursor) void pump();
    });
  };
}
