import type { Scenario } from '../../src/fake-anthropic';
import { foldEvents } from '../../src/shared/reducer';
import { addUsage, zeroUsage } from '../../src/shared/usage';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const firstTurnUsage = { inputTokens: 2_000, outputTokens: 300, cacheReadInputTokens: 500, cacheCreationInputTokens: 0 };
const scenarios: Record<string, Scenario> = {
  // The model reports usage mid-stream (a message_delta without a stop reason), then goes quiet for a
  // while before finishing: the state read in that window shows what the stream reported so far.
  metered: [
    {
      steps: [
        { type: 'text', text: 'Counting the first part of the answer. '.repeat(6) },
        { type: 'usage' },
        { type: 'text', text: 'More. ' },
        { type: 'pause', ms: 3_000 },
        { type: 'text', text: 'The rest of the answer. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_metered', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
      ],
      tokensPerSecond: 200,
      usage: firstTurnUsage,
    },
    { steps: [{ type: 'text', text: 'Done.' }], usage: { inputTokens: 2_400, outputTokens: 3 } },
  ],
};

const harness = useHarness({ scenarios });

test('tokens and cost in state grow while the model streams; the final figures are the reported usage', async () => {
  const id = await harness.api.create(promptFor('metered'));

  // Mid-stream: the first turn has not completed, yet its input and some of its output are counted.
  const midStream = await harness.api.waitForState(id, (state) => state.usage.outputTokens > 1);
  expect(midStream.status).toBe('running');
  expect(midStream.usage.inputTokens).toBe(firstTurnUsage.inputTokens);
  expect(midStream.usage.cacheReadInputTokens).toBe(firstTurnUsage.cacheReadInputTokens);
  expect(midStream.usage.outputTokens).toBeLessThan(firstTurnUsage.outputTokens);
  expect(midStream.costUsd).toBeGreaterThan(0);
  const before = await harness.api.events(id, 0, 1000);
  expect(eventsOfType(before.events.filter((event) => event.seq <= midStream.lastSeq), 'iteration.completed')).toEqual([]);

  const events = await harness.api.pollToEnd(id);
  const final = await harness.api.state(id);
  expect(final.status).toBe('completed');

  // The stream's usage events reached the state before the turn ended: first message_start (input, one output token), then the mid-stream report.
  const live = eventsOfType(events, 'usage.updated');
  expect(live.map((event) => [event.iteration, event.usage.inputTokens, event.usage.outputTokens > 1])).toEqual(
    expect.arrayContaining([
      [1, 2_000, false],
      [1, 2_000, true],
    ]),
  );
  const firstCompleted = eventsOfType(events, 'iteration.completed')[0];
  expect(live[0].seq).toBeLessThan(firstCompleted.seq);
  expect(live.every((event, i) => i === 0 || (event.costUsd ?? NaN) >= (live[i - 1].costUsd ?? NaN) || event.iteration !== live[i - 1].iteration)).toBe(true);

  // Final figures: exactly the sum of what each turn reported, as if no live figure had ever been shown.
  const reported = eventsOfType(events, 'iteration.completed');
  expect(final.usage).toEqual(reported.reduce((sum, event) => addUsage(sum, event.usage), zeroUsage));
  expect(final.usage).toEqual(addUsage(firstTurnUsage, { inputTokens: 2_400, outputTokens: 3, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 }));
  const withoutLive = foldEvents(events.filter((event) => event.type !== 'usage.updated'));
  expect(final.costUsd).toBe(withoutLive.costUsd);
  expect(final.costUsd).toBeGreaterThan(midStream.costUsd ?? NaN);
  expect(foldEvents(events).usage).toEqual(final.usage);
});
