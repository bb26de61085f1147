import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError } from './http-error';
import { temporalHttpError } from './temporal-errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Unknown routes answer in the same JSON shape as every other error. */
export const unknownRoute: RequestHandler = function unknownRoute(req, _res, next) {
  next(new HttpError(404, 'route_not_found', `No route for ${req.method} ${req.path}`));
};

export interface ErrorResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: ErrorBody;
}

/**
 * The one place errors become responses: HttpErrors as they say, body-parser errors as 4xx, Temporal
 * being busy or out of reach as 503, the rest 500. Used by Express's error middleware and by the
 * fast read path in front of Express.
 */
export function toErrorResponse(err: unknown, log: (message: string, err: unknown) => void): ErrorResponse {
  const httpError = toHttpError(err);
  if (httpError.status >= 500) log('request failed', err);
  const body: ErrorBody = { error: { code: httpError.code, message: httpError.message } };
  if (httpError.details !== undefined) body.error.details = httpError.details;
  return { status: httpError.status, headers: httpError.headers ?? {}, body };
}

export function errorHandler(log: (message: string, err: unknown) => void): ErrorRequestHandler {
  return function handleError(err: unknown, _req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const response = toErrorResponse(err, log);
    res.set(response.headers);
    res.status(response.status).json(response.body);
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const temporal = temporalHttpError(err);
  if (temporal) return temporal;
  const bodyParserError = err as { type?: string; status?: number; message?: string };
  if (bodyParserError.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', 'Request body is not valid JSON');
  if (bodyParserError.type === 'entity.too.large') return new HttpError(413, 'body_too_large', 'Request body is larger than 1 MB');
  if (typeof bodyParserError.status === 'number' && bodyParserError.status >= 400 && bodyParserError.status < 500) {
    return new HttpError(bodyParserError.status, 'bad_request', bodyParserError.message ?? 'Bad request');
  }
  return new HttpError(500, 'internal_error', 'Internal server error');
}
