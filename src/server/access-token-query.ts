import type { RequestHandler } from 'express';

/** The one route a browser opens with EventSource, which cannot send headers. */
const streamRoute = /^\/v1\/generations\/[^/]+\/stream$/;

/**
 * Lets `GET …/stream?access_token=<token>` stand for `Authorization: Bearer <token>`: browsers' EventSource
 * cannot set headers. Only for the stream route, whose URL carries nothing else worth logging, and only
 * when no Authorization header came: the header is then made from the parameter and the bearer check
 * that follows judges it as any other.
 */
export const accessTokenFromQuery: RequestHandler = function accessTokenFromQuery(req, _res, next) {
  const token = req.query.access_token;
  if (req.method === 'GET' && req.headers.authorization === undefined && typeof token === 'string' && streamRoute.test(req.baseUrl + req.path)) {
    req.headers.authorization = `Bearer ${token}`;
  }
  next();
};
