import { Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createStorage } from '../../src/storage/storage';
import { createToolstreamWorker } from '../../src/worker/create-worker';
import { answerGc, reportLoopStats, sendToParent, serveParent, stopWorker, untilRunning } from './child-entry';

/**
 * A toolstream worker and nothing else, in its own process, so its memory and CPU can be read on
 * their own. Configured like the product (src/config.ts from the environment); the one addition is
 * BENCH_WORKFLOW_BUNDLE, a prebuilt workflow bundle, so a benchmark does not re-bundle per worker.
 * Prints `{type: 'ready', pid}` once polling, then `{type: 'loop', …}` every BENCH_STATS_MS.
 */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig();
  const address = config.temporal.address;
  if (!address) throw new Error('TEMPORAL_ADDRESS is required');
  const bundlePath = process.env.BENCH_WORKFLOW_BUNDLE;

  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const worker = await createToolstreamWorker({
    connection: nativeConnection,
    clientConnection: connection,
    storage: await createStorage(config),
    config,
    workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
  });
  const running = worker.run();
  const stopStats = reportLoopStats(Number(process.env.BENCH_STATS_MS ?? 500));
  serveParent(
    answerGc,
    async () => {
      stopStats();
      await stopWorker(worker, running);
      await nativeConnection.close();
      await connection.close();
    },
  );
  await untilRunning(worker);
  sendToParent({ type: 'ready', pid: process.pid });
  await running;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
