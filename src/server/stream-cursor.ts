import { z } from 'zod';
import { HttpError } from './http-error';
import { parseOr400 } from './request-schemas';

const seq = z.coerce.number().int().min(0);
export const streamQueryParams = z.object({ after: seq.default(0) });

/**
 * Where a stream starts: after the `Last-Event-ID` an EventSource sends when it reconnects (it wins:
 * the URL still carries the first connection's `after`), else after `?after=`, else from the start.
 */
export function streamCursor(lastEventId: string | undefined, rawQuery: unknown): number {
  const { after } = parseOr400(streamQueryParams, rawQuery, 'query');
  if (lastEventId === undefined || lastEventId === '') return after;
  const parsed = seq.safeParse(lastEventId);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', 'Invalid header: Last-Event-ID: must be a non-negative integer seq');
  return parsed.data;
}
