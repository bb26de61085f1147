import express, { type Express, type RequestHandler } from 'express';
import { silentLogger, type Logger } from '../observability/logger';
import { accessLog } from './access-log';
import { accessTokenFromQuery } from './access-token-query';
import { ApiMetrics, noteMount } from './api-metrics';
import { cors } from './cors';
import { errorHandler, unknownRoute } from './error-handler';
import { GenerationFollowers, type FollowerOptions } from './generation-followers';
import type { GenerationCommands } from './generation-commands';
import type { GenerationService } from './generation-service';
import { openApiDocument } from './openapi';
import { requireBearerToken } from './require-bearer-token';
import type { StreamOptions } from './routes/generation-stream';
import { generationsRouter } from './routes/generations';
import { webRoutes } from './web-routes';

export interface HealthCheck {
  (): Promise<{ ok: boolean; details: Record<string, string> }>;
}

export interface AppDeps {
  generations: GenerationService;
  commands: GenerationCommands;
  health: HealthCheck;
  /** When set, every route but /healthz, /openapi.json and the web view's static files needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string;
  /** Access logs and failures; silent when not given. */
  logger?: Logger;
  /** Prometheus metrics served on /metrics; a fresh registry when not given. */
  metrics?: ApiMetrics;
  /** Origins allowed to call the API from a browser (TOOLSTREAM_CORS_ORIGINS); none: no CORS headers. */
  corsOrigins?: readonly string[];
  /** Where the web view links a generation in the Temporal Web UI. */
  temporalUiUrl?: string;
  /** Push delivery (SSE and long polls): keep-alive period, follower refresh interval. */
  push?: StreamOptions & FollowerOptions;
}

/**
 * Builds the HTTP API without listening, so tests and the launcher decide where it runs. One router:
 * every request, the pollers' hot reads included, passes the same middleware (metrics, access log,
 * CORS, token check) in this order.
 */
export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? apiMetricsFor(deps.generations);
  const app = express();
  app.disable('x-powered-by');
  // Every poll's page differs and clients never revalidate: hashing each body for an ETag cost ~15% of a poll's CPU.
  app.set('etag', false);

  app.use(metrics.timeRequests);
  app.use(accessLog(logger));
  if (deps.corsOrigins && deps.corsOrigins.length > 0) app.use(cors(deps.corsOrigins));

  app.get('/healthz', async function healthz(_req, res) {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.get('/openapi.json', function openApi(_req, res) {
    res.json(openApiDocument);
  });
  // The token is checked before the body parser, so an unauthenticated client gets a 401 rather than a
  // parsed megabyte. The API routes come first: pollers' reads then pass no other route on their way.
  const requireToken = deps.apiToken === undefined ? [] : [accessTokenFromQuery, requireBearerToken(deps.apiToken)];
  const followers = new GenerationFollowers(deps.generations, deps.push);
  app.use('/v1/generations', noteMount, ...requireToken, jsonBodies(express.json({ limit: '1mb' })), generationsRouter(deps.generations, deps.commands, followers, { ...deps.push, metrics }));
  app.get('/metrics', ...requireToken, metrics.serve);
  // The web view's files hold no data and need no token; unknown routes do (they say nothing to a stranger).
  app.use(webRoutes(deps.temporalUiUrl ?? process.env.TOOLSTREAM_TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233'));
  if (requireToken.length > 0) app.use(...requireToken);

  app.use(unknownRoute);
  app.use(errorHandler((message, err) => logger.error({ err }, message)));
  return app;
}

/**
 * The JSON body parser, not consulted for GET and HEAD, which carry no body: body-parser's own check
 * for a body cost ~1 % of the API's CPU with 1,000 long pollers. Every request still passes here.
 */
function jsonBodies(parse: RequestHandler): RequestHandler {
  return function parseJsonBody(req, res, next) {
    if (req.method === 'GET' || req.method === 'HEAD') next();
    else parse(req, res, next);
  };
}

/** The metrics of an API serving `generations`: its reader's counts and the running generations on its task queue. */
export function apiMetricsFor(generations: GenerationService): ApiMetrics {
  return new ApiMetrics({
    readerStats: () => generations.reader.stats,
    cachedGenerations: () => generations.reader.size,
    activeGenerations: () => generations.countActive(),
  });
}
