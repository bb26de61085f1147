import type { ClientInterceptors, Connection } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import type { Storage } from '../storage/storage';
import type { GenerationService } from '../server/generation-service';
import { createToolstreamWorker } from '../worker/create-worker';
import type { Logger } from '../observability/logger';
import type { Tracing } from '../observability/tracing';
import { startApiServer, temporalReachability } from './api-server';

export interface ToolstreamDeps {
  config: Config;
  nativeConnection: NativeConnection;
  connection: Connection;
  storage: Storage;
  clientInterceptors?: ClientInterceptors;
  workflowBundle?: WorkerOptions['workflowBundle'];
  logger?: Logger;
  tracing?: Tracing;
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
    clientConnection: deps.connection,
    storage: deps.storage,
    clientInterceptors: deps.clientInterceptors,
    config,
    workflowBundle: deps.workflowBundle,
    tracing: deps.tracing,
  });
  const workerRun = worker.run();
  const api = await startApiServer({
    config,
    connection: deps.connection,
    storage: deps.storage,
    logger: deps.logger,
    clientInterceptors: deps.tracing?.clientInterceptors,
    health: async function health() {
      const workerState = worker.getState();
      const temporal = await temporalReachability(deps.connection);
      return { ok: workerState === 'RUNNING' && temporal === 'ok', details: { worker: workerState, temporal } };
    },
  });
  return {
    url: api.url,
    worker,
    generations: api.generations,
    async close() {
      await api.close();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    },
  };
}
