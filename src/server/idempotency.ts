import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HttpError } from './http-error';
import { parseOr400 } from './request-schemas';

export const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1-255 printable ASCII characters without spaces');

/** The memo field that records which request body started a generation. */
export const requestHashMemo = 'toolstreamRequestSha256';

/**
 * A generation started with an Idempotency-Key gets its id from the key (a hash, so any printable
 * key makes a valid id and no key shows in URLs): a retry through any API instance names the same
 * workflow, and Temporal's workflow-id uniqueness, not process memory, decides that it runs once.
 * The prefix keeps these ids apart from the UUIDs of keyless generations.
 */
export function generationIdForKey(rawKey: unknown, scope: string): string {
  const key = parseOr400(idempotencyKeyHeader, rawKey, 'Idempotency-Key');
  return `k-${createHash('sha256').update(`${scope}\n${key}`).digest('base64url').slice(0, 40)}`;
}

/** The hash of a parsed request body, independent of key order and whitespace. */
export function requestHash(body: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(body).sort().map((key) => [key, body[key]]));
  return createHash('sha256').update(canonical).digest('hex');
}

export const idempotencyConflict = (): HttpError =>
  new HttpError(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
