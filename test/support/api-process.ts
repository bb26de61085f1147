import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { startApiServer, temporalReachability, type RunningApi } from '../../src/runtime/api-server';
import { createApp } from '../../src/server/create-app';
import { GenerationCommands } from '../../src/server/generation-commands';
import { GenerationService } from '../../src/server/generation-service';
import { defaultGenerationOptions } from '../../src/shared/generation';
import { createStorage } from '../../src/storage/storage';
import type { Harness } from './toolstream-harness';

/** A second HTTP API beside a harness's worker: a new app, service and reader, nothing shared with any other. */
export interface ApiProcess {
  server: http.Server;
  service: GenerationService;
  url: string;
  port: number;
}

/** Starts an API on `port` (0: any free one) over the harness's task queue and storage, as another API process would. */
export async function startApiProcess(env: TestWorkflowEnvironment, harness: Harness, port = 0): Promise<ApiProcess> {
  const service = new GenerationService({
    connection: env.connection,
    namespace: 'default',
    taskQueue: harness.config.temporal.taskQueue,
    defaultModel: harness.config.model,
    defaultMaxIterations: 5,
    generationOptions: defaultGenerationOptions,
    storage: harness.storage,
  });
  const commands = new GenerationCommands({
    connection: env.connection,
    namespace: 'default',
    taskQueue: harness.config.temporal.taskQueue,
    storage: harness.storage,
    onNewRun: (id) => service.invalidate(id),
  });
  const handler = createApp({ generations: service, commands, health: async () => ({ ok: true, details: {} }) });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const listening = http.createServer(handler);
    listening.once('error', reject);
    listening.listen(port, '127.0.0.1', () => resolve(listening));
  });
  const bound = (server.address() as AddressInfo).port;
  return { server, service, url: `http://127.0.0.1:${bound}`, port: bound };
}

/** Stops listening and cuts every open connection (SSE streams and polls included), as a crash would. */
export async function stopApiProcess(api: ApiProcess): Promise<void> {
  const closed = new Promise<void>((resolve) => api.server.close(() => resolve()));
  api.server.closeAllConnections();
  await closed;
}

/**
 * The product's HTTP API in this process on a free port, over `connection`, its health answering from
 * Temporal's reachability: the part that stays up while a crash test kills workers or the dev server.
 */
export async function startInProcessApi(connection: Connection, where: { address: string; taskQueue: string; storeDir: string }): Promise<RunningApi> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TEMPORAL_ADDRESS: where.address, TOOLSTREAM_TASK_QUEUE: where.taskQueue, TOOLSTREAM_STORE_DIR: where.storeDir });
  return startApiServer({
    config,
    storage: await createStorage(config),
    connection,
    health: async () => {
      const temporal = await temporalReachability(connection);
      return { ok: temporal === 'ok', details: { temporal } };
    },
  });
}
