import express, { type Express } from 'express';
import { errorHandler, unknownRoute } from './error-handler';
import type { GenerationCommands } from './generation-commands';
import type { GenerationService } from './generation-service';
import { generationsRouter } from './routes/generations';

export interface HealthCheck {
  (): Promise<{ ok: boolean; details: Record<string, string> }>;
}

export interface AppDeps {
  generations: GenerationService;
  commands: GenerationCommands;
  health: HealthCheck;
  log?: (message: string, err: unknown) => void;
}

/** Builds the HTTP API without listening, so tests and the launcher decide where it runs. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.get('/healthz', async function healthz(_req, res) {
    const health = await deps.health();
    res.status(health.ok ? 200 : 503).json(health);
  });
  app.use('/v1/generations', generationsRouter(deps.generations, deps.commands));

  app.use(unknownRoute);
  app.use(errorHandler(deps.log ?? ((message, err) => console.error(message, err))));
  return app;
}
