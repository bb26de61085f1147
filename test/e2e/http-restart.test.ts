import type { Scenario } from '../../src/fake-anthropic';
import { foldEvents } from '../../src/shared/reducer';
import { startApiProcess, stopApiProcess } from '../support/api-process';
import { RetryingPoller } from '../support/retrying-poller';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';
import { waitFor } from '../support/wait-for';

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

const harness = useHarness({ scenarios });

test('pollers ride out a restart of the HTTP API and go on from their cursors: nothing lost, nothing twice', async () => {
  const id = await harness.api.create(promptFor('steady'));
  let api = await startApiProcess(harness.env, harness);
  const { port, url } = api;

  const pollers = Array.from({ length: 20 }, () => new RetryingPoller(() => url, id, { intervalMs: 50, retryDelayMs: 50 }));
  const finished = Promise.all(pollers.map((poller) => poller.pollToEnd()));
  // Fail fast rather than hang if a poller throws while the API is down.
  finished.catch(() => undefined);

  await waitFor('every poller to get events', () => pollers.every((poller) => poller.cursor > 0), 20_000);
  expect((await harness.api.state(id)).status).toBe('running');
  await stopApiProcess(api);
  const cursorsAtRestart = pollers.map((poller) => poller.cursor);
  // Down long enough that every poller, polling every 50 ms, finds nobody listening.
  await new Promise((resolve) => setTimeout(resolve, 400));
  api = await startApiProcess(harness.env, harness, port);

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
    await stopApiProcess(api);
  }
}, 90_000);
