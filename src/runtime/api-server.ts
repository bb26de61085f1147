import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '@temporalio/client';
import type { Config } from '../config';
import { defaultGenerationOptions } from '../shared/generation';
import { createApp, type HealthCheck } from '../server/create-app';
import { GenerationService } from '../server/generation-service';

export interface RunningApi {
  url: string;
  generations: GenerationService;
  close(): Promise<void>;
}

export function createGenerationService(config: Config, connection: Connection): GenerationService {
  return new GenerationService({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    defaultModel: config.model,
    defaultMaxIterations: config.maxIterations,
    generationOptions: { ...defaultGenerationOptions, textBatchMs: config.textBatchMs, eventBufferSize: config.eventBufferSize },
  });
}

/** 'ok', or why the Temporal frontend did not answer. */
export async function temporalReachability(connection: Connection): Promise<string> {
  try {
    await connection.workflowService.getSystemInfo({});
    return 'ok';
  } catch (err) {
    return `unreachable: ${(err as Error).message}`;
  }
}

/** The HTTP API on `config.host:config.port`; the caller decides what health means (with or without a worker). */
export async function startApiServer(deps: { config: Config; connection: Connection; health: HealthCheck }): Promise<RunningApi> {
  const generations = createGenerationService(deps.config, deps.connection);
  const server = await listen(createApp({ generations, health: deps.health }), deps.config.port, deps.config.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${deps.config.host}:${port}`,
    generations,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}
