import { Connection } from '@temporalio/client';
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

  const connection = await Connection.connect({ address });
  const storage = await createStorage(config);
  const api = await startApiServer({
    config,
    connection,
    storage,
    health: async function health() {
      const temporal = await temporalReachability(connection);
      return { ok: temporal === 'ok', details: { temporal } };
    },
  });
  stopOnSignals([() => api.close(config.shutdownGraceMs), () => connection.close()]);
  console.log(`toolstream API on ${api.url} (Temporal ${address}, task queue ${config.temporal.taskQueue})`);
}

runMain(main);
