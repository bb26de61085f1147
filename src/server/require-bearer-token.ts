import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error';

/**
 * The scheme is case-insensitive (RFC 9110). The token is taken as any run of non-space
 * characters, wider than RFC 6750's b64token, so that every token the config accepts can match.
 */
const bearerHeader = /^Bearer +(\S+)$/i;

/**
 * Lets a request through only with `Authorization: Bearer <token>`. Tokens are compared as SHA-256
 * digests with timingSafeEqual: equal-length inputs, so neither the content nor the length of the
 * expected token shows in the response time.
 */
export function requireBearerToken(token: string): RequestHandler {
  const accepts = bearerTokenCheck(token);
  return function requireBearer(req, res, next) {
    if (accepts(req.headers.authorization)) {
      next();
      return;
    }
    const presented = bearerHeader.exec(req.headers.authorization ?? '')?.[1];
    res.setHeader('WWW-Authenticate', presented === undefined ? 'Bearer realm="toolstream"' : 'Bearer realm="toolstream", error="invalid_token"');
    next(new HttpError(401, 'unauthorized', 'This API needs an Authorization: Bearer <token> header with the configured token'));
  };
}

/** Whether an Authorization header carries the token; for callers that answer a refusal elsewhere. */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return function carriesToken(authorization) {
    const presented = bearerHeader.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
