import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, loadConfig, type Config } from './config';
import { calculatorDemoScenario, startFakeAnthropic } from './fake-anthropic';
import { startToolstream } from './runtime/start-toolstream';
import { startDevServer } from './temporal/dev-server';

/**
 * `npm start`: one command for the whole product. Without TEMPORAL_ADDRESS it runs an embedded
 * Temporal dev server (state in ./data, Web UI on 8233); without ANTHROPIC_API_KEY it runs the
 * scripted demo model. Then the worker and the HTTP API.
 */
async function main(): Promise<void> {
  const stops: (() => Promise<void>)[] = [];
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }

  let address = config.temporal.address;
  if (!address) {
    const devServer = await startDevServer({ dataDir: config.dataDir, port: 7233, uiPort: 8233, namespace: config.temporal.namespace });
    stops.unshift(devServer.stop);
    address = devServer.address;
    console.log(`Temporal dev server on ${address}; Web UI ${devServer.uiUrl}`);
  }
  if (!config.anthropic.apiKey && !config.anthropic.baseUrl) {
    const fake = await startFakeAnthropic({ defaultScenario: calculatorDemoScenario });
    stops.unshift(() => fake.close());
    config = { ...config, anthropic: { apiKey: 'demo', baseUrl: fake.url } };
    console.log(`No ANTHROPIC_API_KEY: using the scripted demo model at ${fake.url}`);
  }

  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const toolstream = await startToolstream({ config, nativeConnection, connection, client });
  stops.unshift(async () => {
    await toolstream.close();
    await nativeConnection.close();
    await connection.close();
  });
  console.log(`toolstream API on ${toolstream.url} (workspaces in ${config.workspaceDir})`);
  console.log(`Try: curl -s -XPOST ${toolstream.url}/v1/generations -H 'content-type: application/json' -d '{"prompt":"Build a calculator"}'`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    for (const stop of stops) await stop().catch((err: unknown) => console.error('shutdown step failed', err));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
