import { Connection } from '@temporalio/client';
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
  const storage = await createStorage(config);
  const toolstream = await startToolstream({ config, nativeConnection, connection, storage });
  stops.unshift(async () => {
    await toolstream.close();
    await nativeConnection.close();
    await connection.close();
  });
  console.log(`toolstream API on ${toolstream.url} (workspaces in ${config.workspaceDir})`);
  console.log(`Try: curl -s -XPOST ${toolstream.url}/v1/generations -H 'content-type: application/json' -d '{"prompt":"Build a calculator"}'`);

  stopOnSignals(stops);
}

runMain(main);
