/** What a secret is replaced with wherever it would be shown. */
export const redactedMarker = '[redacted]';

/** `text` with every occurrence of `secret` replaced; unchanged when there is no secret. */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join(redactedMarker);
}

/**
 * Scrubs `secret` from an error before it leaves the activity: its message, its stack (which
 * repeats the message) and its causes, since Temporal records all three in the workflow history
 * and the worker logs them. Errors are changed in place and returned; strings are redacted.
 */
export function redactError<T>(err: T, secret: string | undefined): T {
  if (!secret) return err;
  if (typeof err === 'string') return redactSecret(err, secret) as T;
  const seen = new Set<unknown>();
  for (let current: unknown = err; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    current.message = redactSecret(current.message, secret);
    if (current.stack !== undefined) current.stack = redactSecret(current.stack, secret);
  }
  return err;
}
