import express, { type Express } from 'express';
import { errorHandler, unknownRoute } from './error-handler';
import type { GenerationCommands } from './generation-commands';
import type { GenerationService } from './generation-service';
import { requireBearerToken } from './require-bearer-token';
import { generationsRouter } from './routes/generations';

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
  // Everything after /healthz, unknown routes included, needs the token; and before the body
  // parser, so an unauthenticated client gets a 401 rather than a parsed megabyte.
  if (deps.apiToken !== undefined) app.use(requireBearerToken(deps.apiToken));
  app.use(express.json({ limit: '1mb' }));
  app.use('/v1/generations', generationsRouter(deps.generations, deps.commands));

  app.use(unknownRoute);
  app.use(errorHandler(deps.log ?? logToStderr));
  return app;
}
