/** An error that knows its HTTP status and a stable code clients can branch on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, such as Retry-After on a 503. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);

/** A 503 that tells the client when trying again makes sense. */
export const serviceUnavailable = (code: string, message: string, retryAfterSeconds: number): HttpError =>
  new HttpError(503, code, message, undefined, { 'retry-after': String(retryAfterSeconds) });
