import { Connection } from '@temporalio/client';
import { connectionOptions } from './temporal/connection-config';
import { processLogger } from './observability/process-logger';
import { tracingFromEnv } from './observability/tracing';
import { installWorkerRuntime } from './observability/worker-runtime';
import { NativeConnection } from '@temporalio/worker';
import { calculatorDemoScenario, startFakeAnthropic } from './fake-anthropic';
import { loadConfigOrExit, runMain, stopOnSignals, type StopStep } from './runtime/process-lifecycle';
import { startToolstream } from './runtime/start-toolstream';
import { createStorage } from './storage/storage';
import { startDevServer } from './temporal/dev-server';

/**
 * `npm start`: one command for the whole product. Without TEMPORAL_ADDRESS it runs an embedded
 * Temporal dev server (state in ./data, Web UI on 8233); without ANTHROPIC_API_KEY it runs the
 * scripted demo model. Then the worker and the HTTP API.
 */
async function main(): Promise<void> {
  const stops: StopStep[] = [];
  let config = loadConfigOrExit();

  const logger = processLogger(config, 'toolstream');
  installWorkerRuntime({ logger, metricsBindAddress: config.workerMetricsPort === undefined ? undefined : `${config.host}:${config.workerMetricsPort}` });
  const tracing = tracingFromEnv(process.env, 'toolstream');
  let address = config.temporal.address;
  // The embedded dev server takes plain connections: TLS and API key settings are for a real cluster.
  const connectOptions = (): ReturnType<typeof connectionOptions> =>
    config.temporal.address ? connectionOptions(config.temporal.connection) : { address: address as string };
  if (!address) {
    const devServer = await startDevServer({ dataDir: config.dataDir, port: 7233, uiPort: 8233, namespace: config.temporal.namespace });
    stops.unshift(devServer.stop);
    address = devServer.address;
    logger.info(`Temporal dev server on ${address}; Web UI ${devServer.uiUrl}`);
  }
  if (!config.anthropic.apiKey && !config.anthropic.baseUrl) {
    const fake = await startFakeAnthropic({ defaultScenario: calculatorDemoScenario });
    stops.unshift(() => fake.close());
    config = { ...config, anthropic: { apiKey: 'demo', baseUrl: fake.url } };
    logger.info(`No ANTHROPIC_API_KEY: using the scripted demo model at ${fake.url}`);
  }

  const nativeConnection = await NativeConnection.connect(connectOptions());
  const connection = await Connection.connect(connectOptions());
  const storage = await createStorage(config);
  const toolstream = await startToolstream({ config, nativeConnection, connection, storage, logger, tracing });
  stops.unshift(async () => {
    await toolstream.close();
    await nativeConnection.close();
    await connection.close();
    await tracing?.shutdown();
  });
  logger.info(`toolstream API on ${toolstream.url} (workspaces in ${config.workspaceDir})`);
  logger.info(`Try: curl -s -XPOST ${toolstream.url}/v1/generations -H 'content-type: application/json' -d '{"prompt":"Build a calculator"}'`);

  stopOnSignals(stops);
}

runMain(main);
