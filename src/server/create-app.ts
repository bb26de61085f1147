import express, { type Express } from 'express';
import { accessTokenFromQuery } from './access-token-query';
import { errorHandler, unknownRoute } from './error-handler';
import { GenerationFollowers, type FollowerOptions } from './generation-followers';
import type { GenerationCommands } from './generation-commands';
import type { GenerationService } from './generation-service';
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
  /** When set, every route but /healthz needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string;
  log?: (message: string, err: unknown) => void;
  /** Where the web view links a generation in the Temporal Web UI. */
  temporalUiUrl?: string;
  /** Push delivery (SSE and long polls): keep-alive period, follower refresh interval. */
  push?: StreamOptions & FollowerOptions;
}

export const logToStderr = (message: string, err: unknown): void => console.error(message, err);

/** Builds the HTTP API without listening, so tests and the launcher decide where it runs. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every poll's page differs and clients never revalidate: hashing each body for an ETag cost ~15% of a poll's CPU.
  app.set('etag', false);

  app.get('/healthz', async function healthz(_req, res) {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.use(webRoutes(deps.temporalUiUrl ?? process.env.TOOLSTREAM_TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233'));
  // Everything after /healthz, unknown routes included, needs the token; and before the body
  // parser, so an unauthenticated client gets a 401 rather than a parsed megabyte.
  if (deps.apiToken !== undefined) app.use(accessTokenFromQuery, requireBearerToken(deps.apiToken));
  app.use(express.json({ limit: '1mb' }));
  const followers = new GenerationFollowers(deps.generations, deps.push);
  app.use('/v1/generations', generationsRouter(deps.generations, deps.commands, followers, deps.push));

  app.use(unknownRoute);
  app.use(errorHandler(deps.log ?? logToStderr));
  return app;
}
