import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { defaultGenerationOptions } from '../shared/generation';
import { answerClientErrorsWithJson } from '../server/client-error-handler';
import { createApp } from '../server/create-app';
import { GenerationCommands } from '../server/generation-commands';
import { GenerationService } from '../server/generation-service';
import { createToolstreamWorker } from '../worker/create-worker';

export interface ToolstreamDeps {
  config: Config;
  nativeConnection: NativeConnection;
  connection: Connection;
  client: Client;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export interface RunningToolstream {
  url: string;
  worker: Worker;
  generations: GenerationService;
  close(): Promise<void>;
}

/** The worker and the HTTP API on one Temporal connection: what `npm start` runs and what e2e tests drive. */
export async function startToolstream(deps: ToolstreamDeps): Promise<RunningToolstream> {
  const { config } = deps;
  const worker = await createToolstreamWorker({
    connection: deps.nativeConnection,
    client: deps.client,
    config,
    workflowBundle: deps.workflowBundle,
  });
  const workerRun = worker.run();
  const generations = new GenerationService({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
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
  const commands = new GenerationCommands({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    onNewRun: (id) => generations.invalidate(id),
  });
  const app = createApp({
    generations,
    commands,
    apiToken: config.apiToken,
    health: async function health() {
      const workerState = worker.getState();
      let temporal = 'ok';
      try {
        await deps.connection.workflowService.getSystemInfo({});
      } catch (err) {
        temporal = `unreachable: ${(err as Error).message}`;
      }
      return { ok: workerState === 'RUNNING' && temporal === 'ok', details: { worker: workerState, temporal } };
    },
  });
  const server = await listen(app, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}`,
    worker,
    generations,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    },
  };
}

function listen(app: ReturnType<typeof createApp>, port: number, host: string): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
    answerClientErrorsWithJson(server);
  });
}
