import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import { toErrorResponse } from './error-handler';
import { readGeneration, readGenerationEvents } from './generation-reads';
import type { GenerationService } from './generation-service';
import { bearerTokenCheck } from './require-bearer-token';

export interface FastReadsDeps {
  generations: GenerationService;
  apiToken?: string;
  log: (message: string, err: unknown) => void;
}

/**
 * `GET /v1/generations/:id` and `GET /v1/generations/:id/events` are what pollers send, thousands a
 * second. Through Express a poll costs ~4× the CPU of the read itself (router, request and response
 * decoration, their garbage), so these two routes are answered here, before Express, with the same
 * validation, bodies and error responses. Only the plain spelling of those paths is taken, with a
 * valid token when one is configured; everything else, refusals included, goes on to Express.
 */
export function fastReads(deps: FastReadsDeps, next: RequestListener): RequestListener {
  const carriesToken = deps.apiToken === undefined ? () => true : bearerTokenCheck(deps.apiToken);
  return function answerReadOrPass(req, res) {
    const route = req.method === 'GET' ? readRoute.exec(req.url ?? '') : null;
    if (route === null || !carriesToken(req.headers.authorization)) {
      next(req, res);
      return;
    }
    const [, id, events, query] = route;
    const params = querystring.parse(query ?? '');
    // A long poll holds its request open: it is no hot path, and Express has the waiting.
    if (events && params.wait !== undefined) {
      next(req, res);
      return;
    }
    const body = events ? readGenerationEvents(deps.generations, id, params) : readGeneration(deps.generations, id);
    // One chain, so that a failure while answering is answered too (or dropped once headers are out), never unhandled.
    void body
      .then((value) => sendJson(res, 200, {}, value))
      .catch((err: unknown) => {
        const response = toErrorResponse(err, deps.log);
        sendJson(res, response.status, response.headers, response.body);
      });
  };
}

/** Path segments as the routes name them; the id is left for the shared validation to judge. */
const readRoute = /^\/v1\/generations\/([^/?#%]+)(\/events)?(?:\?([^#]*))?$/;

function sendJson(res: ServerResponse<IncomingMessage>, status: number, headers: Readonly<Record<string, string>>, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
