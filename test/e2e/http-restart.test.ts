import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Scenario } from '../../src/fake-anthropic';
import { createApp } from '../../src/server/create-app';
import { GenerationCommands } from '../../src/server/generation-commands';
import { GenerationService } from '../../src/server/generation-service';
import { defaultGenerationOptions } from '../../src/shared/generation';
import { foldEvents } from '../../src/shared/reducer';
import { RetryingPoller } from '../support/retrying-poller';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

const scenarios: Record<string, Scenario> = {
  steady: [
    {
      steps: [
        { type: 'text', text: 'Starting on the task now. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_steady_write', name: 'write_file', input: { path: 'plan.md', content: '# plan' } },
        { type: 'text', text: 'Still going, step by step. '.repeat(5) },
        { type: 'tool_use', id: 'toolu_steady_sleep', name: 'sleep', input: { ms: 500 } },
      ],
      tokensPerSecond: 50,
    },
    { steps: [{ type: 'text', text: 'Finished the task. '.repeat(3) }], tokensPerSecond: 50 },
  ],
};

interface Api {
  server: http.Server;
  service: GenerationService;
}

/** An HTTP API process as far as state goes: a new app, service and reader, nothing shared with the last one. */
async function startApi(port: number): Promise<Api> {
  const service = new GenerationService({
    connection: env.connection,
    namespace: 'default',
    taskQueue: harness.config.temporal.taskQueue,
    defaultModel: harness.config.model,
    defaultMaxIterations: 5,
    generationOptions: defaultGenerationOptions,
    storage: harness.storage,
  });
  const handler = createApp({ generations: service, commands: new GenerationCommands({ connection: env.connection, namespace: 'default', taskQueue: harness.config.temporal.taskQueue, storage: harness.storage, onNewRun: (id) => service.invalidate(id) }), health: async () => ({ ok: true, details: {} }) });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const listening = http.createServer(handler);
    listening.once('error', reject);
    listening.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return { server, service };
}

/** Stops listening and cuts every open connection, in-flight polls included, as a crash would. */
async function stopApi(api: Api): Promise<void> {
  const closed = new Promise<void>((resolve) => api.server.close(() => resolve()));
  api.server.closeAllConnections();
  await closed;
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let harness: Harness;

beforeAll(async () => {
  env = await createTemporalEnv();
  bundle = await bundleWorkflows();
  harness = await startHarness(env, bundle, { scenarios });
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

test('pollers ride out a restart of the HTTP API and go on from their cursors: nothing lost, nothing twice', async () => {
  const id = await harness.api.create(promptFor('steady'));
  let api = await startApi(0);
  const { port } = api.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const pollers = Array.from({ length: 20 }, () => new RetryingPoller(() => url, id, { intervalMs: 50, retryDelayMs: 50 }));
  const finished = Promise.all(pollers.map((poller) => poller.pollToEnd()));
  // Fail fast rather than hang if a poller throws while the API is down.
  finished.catch(() => undefined);

  await waitFor(() => pollers.every((poller) => poller.cursor > 0));
  expect((await harness.api.state(id)).status).toBe('running');
  await stopApi(api);
  const cursorsAtRestart = pollers.map((poller) => poller.cursor);
  // Down long enough that every poller, polling every 50 ms, finds nobody listening.
  await new Promise((resolve) => setTimeout(resolve, 400));
  api = await startApi(port);

  try {
    const results = await finished;
    const { elapsedMs: _elapsed, ...finalState } = await harness.api.state(id);
    expect(finalState.status).toBe('completed');
    expect(Math.max(...cursorsAtRestart)).toBeLessThan(finalState.lastSeq);
    for (const events of results) {
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: finalState.lastSeq }, (_, i) => i + 1));
      expect(events).toEqual(results[0]);
    }
    expect(foldEvents(results[0])).toEqual(finalState);
    // Every poller was mid-stream at the restart, so the rest of its events came from the new API.
    for (const cursor of cursorsAtRestart) expect(cursor).toBeGreaterThan(0);
    expect(pollers.reduce((sum, poller) => sum + poller.connectionErrors, 0)).toBeGreaterThan(0);
    expect(api.service.reader.stats.queries).toBeGreaterThan(0);
  } finally {
    await stopApi(api);
  }
}, 90_000);

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
