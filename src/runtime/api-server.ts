import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientInterceptors, Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { Storage } from '../storage/storage';
import { defaultGenerationOptions } from '../shared/generation';
import { answerClientErrorsWithJson } from '../server/client-error-handler';
import { createApp, type HealthCheck } from '../server/create-app';
import { silentLogger, type Logger } from '../observability/logger';
import { GenerationCommands } from '../server/generation-commands';
import { GenerationService } from '../server/generation-service';
import { createToolCatalog } from '../tools/tool-catalog';
import { drainable } from './http-drain';

export interface RunningApi {
  url: string;
  generations: GenerationService;
  /** Stops taking requests; open ones get up to `graceMs` to finish (server-sent-event streams end at once, cleanly). */
  close(graceMs?: number): Promise<void>;
}

export function createGenerationService(config: Config, connection: Connection, storage: Storage, interceptors?: ClientInterceptors): GenerationService {
  return new GenerationService({
    connection,
    interceptors,
    storage,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    defaultModel: config.model,
    defaultMaxIterations: config.maxIterations,
    toolNames: createToolCatalog({ testTools: config.testTools }).names(),
    maxActiveGenerations: config.maxActiveGenerations,
    prices: config.prices,
    generationOptions: {
      ...defaultGenerationOptions,
      textBatchMs: config.textBatchMs,
      eventBufferSize: config.eventBufferSize,
      toolDecisionTimeoutMs: config.toolDecisionTimeoutMs,
      blockedTimeoutMs: config.blockedTimeoutMs,
      continueAsNewAfterEvents: config.continueAsNewAfterEvents,
      toolDispatch: config.toolDispatch,
      payloadLimitBytes: storage.payloadLimitBytes,
    },
  });
}

export function createGenerationCommands(config: Config, connection: Connection, storage: Storage, generations: GenerationService): GenerationCommands {
  return new GenerationCommands({
    connection,
    storage,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    onNewRun: (id) => generations.invalidate(id),
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
export interface ApiServerDeps {
  config: Config;
  connection: Connection;
  storage: Storage;
  health: HealthCheck;
  logger?: Logger;
  /** Tracing's client interceptors, so a span per workflow start and query links to the workflow's. */
  clientInterceptors?: ClientInterceptors;
}

export async function startApiServer(deps: ApiServerDeps): Promise<RunningApi> {
  const generations = createGenerationService(deps.config, deps.connection, deps.storage, deps.clientInterceptors);
  const commands = createGenerationCommands(deps.config, deps.connection, deps.storage, generations);
  const handler = createApp({
    generations,
    commands,
    apiToken: deps.config.apiToken,
    health: deps.health,
    logger: deps.logger ?? silentLogger,
    corsOrigins: deps.config.corsOrigins,
  });
  const server = await listen(handler, deps.config.port, deps.config.host);
  const drain = drainable(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${deps.config.host}:${port}`,
    generations,
    async close(graceMs = 0) {
      await drain(graceMs);
      await generations.close();
    },
  };
}

function listen(handler: http.RequestListener, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    // Longer than clients' and load balancers' idle timeouts (undici 4 s, ALB 60 s): the server then
    // never closes a kept-alive connection just as a poller sends its next request on it (ECONNRESET).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
    answerClientErrorsWithJson(server);
    server.listen(port, host, () => resolve(server));
  });
}
