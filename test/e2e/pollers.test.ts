import type { Scenario } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { foldEvents } from '../../src/shared/reducer';
import { ApiClient } from '../support/api-client';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const pollerCount = 500;

/** A few seconds of streamed text with two tools started mid-stream, then a closing turn. */
const scenarios: Record<string, Scenario> = {
  busy: [
    {
      steps: [
        { type: 'text', text: 'Planning the work in small steps. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_busy_write', name: 'write_file', input: { path: 'notes.txt', content: 'notes' } },
        { type: 'text', text: 'Now waiting on something slow. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_busy_sleep', name: 'sleep', input: { ms: 800 } },
        { type: 'text', text: 'Wrapping this turn up. '.repeat(3) },
      ],
      tokensPerSecond: 60,
    },
    { steps: [{ type: 'text', text: 'All done: notes written.' }], tokensPerSecond: 60 },
  ],
};

/** One poller's client: the public API as any client uses it, counting the polls it makes. */
class CountingApiClient extends ApiClient {
  polls = 0;

  override events(...args: Parameters<ApiClient['events']>): ReturnType<ApiClient['events']> {
    this.polls++;
    return super.events(...args);
  }
}

const harness = useHarness({ scenarios });

test(`${pollerCount} concurrent pollers of one live generation all get every event, with far fewer queries than polls`, async () => {
  const reader = harness.toolstream.generations.reader;
  const id = await harness.api.create(promptFor('busy'));
  const queriesBefore = reader.stats.queries;

  const clients = Array.from({ length: pollerCount }, () => new CountingApiClient(harness.api.baseUrl));
  // pollToEnd throws on any non-2xx answer, a gap, a missing or repeated seq.
  const results = await Promise.all(clients.map((client) => client.pollToEnd(id, { intervalMs: 200, timeoutMs: 90_000 })));

  const events: GenerationEvent[] = results[0];
  const expected = JSON.stringify(events);
  const differing = results.filter((seen) => JSON.stringify(seen) !== expected);
  expect(differing).toHaveLength(0);

  const { elapsedMs: _elapsed, ...finalState } = await harness.api.state(id);
  expect(finalState.status).toBe('completed');
  expect(events.map((event) => event.seq)).toEqual(Array.from({ length: finalState.lastSeq }, (_, i) => i + 1));
  expect(foldEvents(events)).toEqual(finalState);
  expect(eventsOfType(events, 'tool.completed').map((event) => event.toolUseId).sort()).toEqual(['toolu_busy_sleep', 'toolu_busy_write']);
  expect(eventsOfType(events, 'text.delta').length).toBeGreaterThan(5);

  const polls = clients.reduce((sum, client) => sum + client.polls, 0);
  const queries = reader.stats.queries - queriesBefore;
  // Every poller polled several times while the generation ran, yet Temporal saw a small fraction of that.
  expect(polls).toBeGreaterThan(pollerCount * 2);
  expect(queries).toBeGreaterThan(0);
  expect(queries * 10).toBeLessThan(polls);
}, 150_000);
