/**
 * Where a generation's data lives outside Temporal: Temporal's claim-check payloads, the
 * conversation's messages, large tool inputs and archived event logs. Keys are slash-separated
 * paths; a value, once written under a key, is never changed (content-addressed or written once),
 * so any process may cache what it read.
 */
export interface BlobStore {
  /** `fs` or `s3`: shown in logs and the health check. */
  readonly kind: string;
  /** Writes atomically: a reader sees the whole value or nothing. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** Rejects with {@link BlobNotFoundError} when nothing was written under the key. */
  get(key: string): Promise<Uint8Array>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored data under "${key}"`);
    this.name = 'BlobNotFoundError';
  }
}

const keyPattern = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Keys are built by our code from ids and hashes; anything else is a bug, never a path to follow. */
export function assertValidKey(key: string): void {
  if (!keyPattern.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`Invalid blob key "${key}"`);
  }
}
