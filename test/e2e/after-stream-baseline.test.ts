import type { Scenario } from '../../src/fake-anthropic';
import { eventFor, eventsOfType, ms, promptFor } from '../support/scenario';
import { useTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

const scenarios: Record<string, Scenario> = {
  early: [
    {
      steps: [
        { type: 'tool_use', id: 'toolu_early', name: 'count', input: { key: 'early' } },
        { type: 'text', text: 'A long explanation follows the call. '.repeat(8) },
      ],
      tokensPerSecond: 200,
    },
    { steps: [{ type: 'text', text: 'Done.' }] },
  ],
};

const temporalEnv = useTemporalEnv();

/** The benchmarks' baseline (b) must really be what other durable frameworks do, or the comparison is void. */
test.each([
  ['incremental', (started: number, streamEnd: number) => expect(started).toBeLessThan(streamEnd)],
  ['after-stream', (started: number, streamEnd: number) => expect(started).toBeGreaterThanOrEqual(streamEnd)],
] as const)('TOOLSTREAM_TOOL_DISPATCH=%s starts the tool relative to the stream end as named', async (mode, check) => {
  let harness: Harness | undefined;
  try {
    harness = await startHarness(temporalEnv.env, temporalEnv.bundle, { scenarios, env: { TOOLSTREAM_TOOL_DISPATCH: mode } });
    const id = await harness.api.create(promptFor('early'));
    const events = await harness.api.pollToEnd(id);
    const [firstIteration] = eventsOfType(events, 'iteration.completed');
    check(ms(eventFor(events, 'tool.started', 'toolu_early').at), ms(firstIteration.at));
    expect((await harness.api.state(id)).status).toBe('completed');
  } finally {
    await harness?.close();
  }
});
