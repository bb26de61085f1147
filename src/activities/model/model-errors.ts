import Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/common';
import { redactError } from './redact';

/** Error types a model failure is filed under; the workflow and the Web UI show them. */
export const ModelErrorType = {
  rejected: 'ModelRequestRejected',
  unavailable: 'ModelUnavailable',
  connection: 'ModelConnectionError',
  stalled: 'ModelStreamStalled',
  incomplete: 'ModelStreamIncomplete',
} as const;

/** SSE `error` events carry no HTTP status; their error type says whether a retry can help. */
const retryableErrorTypes = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

export class StreamStalledError extends Error {
  constructor(idleMs: number) {
    super(`The model stream sent nothing for ${idleMs} ms`);
    this.name = 'StreamStalledError';
  }
}

/**
 * Sorts a failure of the model call into retryable and not, at the activity boundary, so Temporal's
 * retry policy does the right thing: bad requests fail at once, overload and network faults retry
 * (after `retry-after` when the API names one). Whatever it returns is scrubbed of `apiKey`: an
 * error body may echo the key, and the failure goes into the workflow history, events and logs.
 */
export function toModelFailure(err: unknown, apiKey?: string): unknown {
  return redactError(classify(err), apiKey);
}

function classify(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof StreamStalledError) {
    return ApplicationFailure.create({ type: ModelErrorType.stalled, message: err.message, nonRetryable: false });
  }
  if (err instanceof Anthropic.APIUserAbortError) return err;
  if (err instanceof Anthropic.APIConnectionError) {
    return ApplicationFailure.create({ type: ModelErrorType.connection, message: `Could not reach the model API: ${err.message}` });
  }
  if (err instanceof Anthropic.APIError) return fromApiError(err);
  return err;
}

function fromApiError(err: InstanceType<typeof Anthropic.APIError>): ApplicationFailure {
  const status = err.status;
  const errorType = wireErrorType(err.error);
  const message = `${status ?? 'stream error'}${errorType ? ` ${errorType}` : ''}: ${wireErrorMessage(err)}`;
  const retryable =
    status === undefined ? errorType === undefined || retryableErrorTypes.has(errorType) : status === 408 || status === 409 || status === 429 || status >= 500;
  const retryAfterMs = retryAfter(err.headers);
  return ApplicationFailure.create({
    type: retryable ? ModelErrorType.unavailable : ModelErrorType.rejected,
    message,
    nonRetryable: !retryable,
    nextRetryDelay: retryable && retryAfterMs !== undefined ? retryAfterMs : undefined,
  });
}

function wireErrorType(body: unknown): string | undefined {
  const error = (body as { error?: { type?: unknown } } | undefined)?.error;
  return typeof error?.type === 'string' ? error.type : undefined;
}

function wireErrorMessage(err: InstanceType<typeof Anthropic.APIError>): string {
  const error = (err.error as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? error.message : err.message;
}

/**
 * The server's wait in ms, when it names a positive one. `retry-after: 0` means "now", but a zero
 * nextRetryDelay makes Temporal give up on the activity instead of retrying it, so zero and
 * negative values fall back to the retry policy's own backoff.
 */
function retryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers?.get('retry-after') ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return undefined;
}
