import type { ServerResponse } from 'http';
import { requestId } from './ids';

/** The status the real API pairs with each error type, used when only a type is scripted. */
export const STATUS_BY_ERROR_TYPE = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
} as const satisfies Record<string, number>;

export function statusForErrorType(errorType: string): number {
  return (STATUS_BY_ERROR_TYPE as Record<string, number>)[errorType] ?? 500;
}

export function errorBody(errorType: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: errorType, message } };
}

export interface JsonErrorOptions {
  retryAfterSeconds?: number;
}

/** Same envelope and headers as the real API, so the SDK maps it to the right APIError subclass. */
export function sendJsonError(res: ServerResponse, status: number, errorType: string, message: string, options: JsonErrorOptions = {}): void {
  const body = JSON.stringify(errorBody(errorType, message));
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': requestId(),
  };
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  res.writeHead(status, headers);
  res.end(body);
}
