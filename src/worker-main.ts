import { Connection } from '@temporalio/client';
import { connectionOptions } from './temporal/connection-config';
import { processLogger } from './observability/process-logger';
import { tracingFromEnv } from './observability/tracing';
import { installWorkerRuntime } from './observability/worker-runtime';
import { NativeConnection } from '@temporalio/worker';
import { loadConfigOrExit, runMain, stopOnSignals } from './runtime/process-lifecycle';
import { createStorage } from './storage/storage';
import { createToolstreamWorker } from './worker/create-worker';

/**
 * `npm run start:worker`: only the Temporal worker (workflows, the model activity, the tools), for
 * running as many workers as the load needs next to one or more `start:api` processes. Needs an
 * existing Temporal server (TEMPORAL_ADDRESS) and a model (ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL).
 * On SIGTERM it stops taking work and lets running model streams and tools finish for up to
 * TOOLSTREAM_SHUTDOWN_GRACE_MS (30 s) before it exits; what is still running then is cancelled and
 * retried on another worker.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const address = config.temporal.address;
  if (!address) throw new Error('TEMPORAL_ADDRESS must name the Temporal server the worker polls (host:port).');
  if (!config.anthropic.apiKey && !config.anthropic.baseUrl) {
    throw new Error('Set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a compatible endpoint): a worker-only process has no demo model.');
  }

  const logger = processLogger(config, 'worker');
  installWorkerRuntime({ logger, metricsBindAddress: config.workerMetricsPort === undefined ? undefined : `${config.host}:${config.workerMetricsPort}` });
  const tracing = tracingFromEnv(process.env, 'toolstream-worker');
  const nativeConnection = await NativeConnection.connect(connectionOptions(config.temporal.connection, address));
  const connection = await Connection.connect(connectionOptions(config.temporal.connection, address));
  const storage = await createStorage(config);
  const worker = await createToolstreamWorker({ connection: nativeConnection, clientConnection: connection, storage, config, tracing });
  const running = worker.run();
  stopOnSignals([
    async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    () => nativeConnection.close(),
    () => connection.close(),
    async () => tracing?.shutdown(),
  ]);
  logger.info(
    { temporal: address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, workspaceDir: config.workspaceDir, metricsPort: config.workerMetricsPort },
    `toolstream worker polling task queue ${config.temporal.taskQueue}`,
  );
  await running;
}

runMain(main);
