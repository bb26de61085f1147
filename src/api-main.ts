import { Connection } from '@temporalio/client';
import { connectionOptions } from './temporal/connection-config';
import { processLogger } from './observability/process-logger';
import { tracingFromEnv } from './observability/tracing';
import { loadConfigOrExit, runMain, stopOnSignals } from './runtime/process-lifecycle';
import { startApiServer, temporalReachability } from './runtime/api-server';
import { createStorage } from './storage/storage';

/**
 * `npm run start:api`: only the HTTP API, for running apart from the workers (`start:worker`). It
 * starts and reads generations through Temporal (TEMPORAL_ADDRESS) and runs no workflow code itself.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const address = config.temporal.address;
  if (!address) throw new Error('TEMPORAL_ADDRESS must name the Temporal server the API talks to (host:port).');

  const logger = processLogger(config, 'api');
  const tracing = tracingFromEnv(process.env, 'toolstream-api');
  const connection = await Connection.connect(connectionOptions(config.temporal.connection, address));
  const storage = await createStorage(config);
  const api = await startApiServer({
    config,
    connection,
    storage,
    logger,
    clientInterceptors: tracing?.clientInterceptors,
    health: async function health() {
      const temporal = await temporalReachability(connection);
      return { ok: temporal === 'ok', details: { temporal } };
    },
  });
  stopOnSignals([() => api.close(config.shutdownGraceMs), () => connection.close(), async () => tracing?.shutdown()]);
  logger.info({ url: api.url, temporal: address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue }, `toolstream API on ${api.url}`);
}

runMain(main);
