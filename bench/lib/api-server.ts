import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '@temporalio/client';
import type { Config } from '../../src/config';
import { createHttpHandler } from '../../src/server/create-http-handler';
import { GenerationCommands } from '../../src/server/generation-commands';
import { GenerationService } from '../../src/server/generation-service';
import { defaultGenerationOptions } from '../../src/shared/generation';

export interface BenchApi {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP API alone, wired as src/runtime/start-toolstream.ts wires it but with no worker: for
 * measures that run the worker in a process of its own.
 */
export async function startApiOnly(config: Config, connection: Connection): Promise<BenchApi> {
  const common = { connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue };
  const generations = new GenerationService({
    ...common,
    defaultModel: config.model,
    defaultMaxIterations: config.maxIterations,
    generationOptions: {
      ...defaultGenerationOptions,
      textBatchMs: config.textBatchMs,
      eventBufferSize: config.eventBufferSize,
      toolDecisionTimeoutMs: config.toolDecisionTimeoutMs,
      blockedTimeoutMs: config.blockedTimeoutMs,
      continueAsNewAfterEvents: config.continueAsNewAfterEvents,
      toolDispatch: config.toolDispatch,
    },
  });
  const commands = new GenerationCommands({ ...common, onNewRun: (id) => generations.invalidate(id) });
  const handler = createHttpHandler({
    generations,
    commands,
    health: async () => ({ ok: true, details: {} }),
    log: (message, err) => console.error(message, err),
  });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const listening = http.createServer(handler);
    listening.once('error', reject);
    listening.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // Hundreds of pollers each keep a connection alive; the defaults would close them between polls.
  server.keepAliveTimeout = 30_000;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
