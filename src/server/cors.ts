import type { RequestHandler } from 'express';

/**
 * CORS for the origins in TOOLSTREAM_CORS_ORIGINS (`*` or a comma-separated list); none configured,
 * no CORS headers at all (the web view is same-origin). Preflights are answered here, before the
 * token check: a browser sends them without credentials.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return function corsHeaders(req, res, next) {
    const origin = req.headers.origin;
    if (origin === undefined || (!any && !allowed.has(origin))) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!any) res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Location, Retry-After, Idempotency-Key, WWW-Authenticate');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, Last-Event-ID');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
