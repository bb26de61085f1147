import type { RecordedRequest, Scenario } from '../../src/fake-anthropic';
import { foldEvents } from '../../src/shared/reducer';
import { toolResultProblems } from '../crash/crash-checks';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

// claude-sonnet-5-5, the default model: $2 per million input tokens, $10 per million output tokens.
const longText = 'All work and no play makes a long answer. '.repeat(500); // ~21,000 characters, ~5,000 tokens: $0.05

const scenarios: Record<string, Scenario> = {
  // $0.002 of input at once, then output that would cost $0.05; a tool starts before the limit is reached.
  'runs-up-the-bill': [
    {
      steps: [
        { type: 'text', text: 'Starting. ' },
        { type: 'tool_use', id: 'toolu_budget_sleep', name: 'sleep', input: { ms: 30_000 } },
        { type: 'text', text: longText },
      ],
      usage: { inputTokens: 1000 },
      tokensPerSecond: 400,
    },
  ],
  // $0.005 a turn (2,000 tokens in, 100 out), each asking for one more count.
  'turn-after-turn': (_request, { turn }) => ({
    steps: [{ type: 'text', text: `Turn ${turn}. ` }, { type: 'tool_use', id: `toolu_count_${turn}`, name: 'count', input: { key: `k${turn}` } }],
    usage: { inputTokens: 2000, outputTokens: 100 },
  }),
  // A short answer whose reported usage (2,000 output tokens: $0.02) is far above what its text suggests.
  'bills-more-than-it-says': [{ steps: [{ type: 'text', text: 'Short.' }], usage: { inputTokens: 10, outputTokens: 2000 }, stopReason: 'end_turn' }],
  // The first attempt breaks mid-stream with nothing to keep; the retry answers.
  'fails-then-answers': (_request, { callIndex }) =>
    callIndex === 0
      ? { steps: [{ type: 'text', text: 'A first try that will break. ' }, { type: 'error', errorType: 'overloaded_error' }], usage: { inputTokens: 1000 } }
      : { steps: [{ type: 'text', text: 'The answer.' }], usage: { inputTokens: 1000, outputTokens: 10 }, stopReason: 'end_turn' },
};

const harness = useHarness({ scenarios });

function requestsOf(scenario: string): RecordedRequest[] {
  return harness.fake.requests.filter((request) => request.scenario === scenario);
}

test.each([[-1], [0], ['1'], [2_000_000]])('maxCostUsd %j is a 400 naming the field', async (maxCostUsd: unknown) => {
  const res = await harness.api.post<{ error: { code: string; details: { issues: { field: string }[] } } }>('/v1/generations', { prompt: 'hi', maxCostUsd });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.issues[0].field).toBe('maxCostUsd');
});

test('reaching maxCostUsd mid-stream stops the stream and the running tool; the generation fails with budget_exceeded and counts the stopped attempt', async () => {
  const id = await harness.api.create(promptFor('runs-up-the-bill'), { maxCostUsd: 0.01 });
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);

  expect(state).toEqual(expect.objectContaining({ status: 'failed', errorCode: 'budget_exceeded', maxCostUsd: 0.01 }));
  expect(state.error).toContain('spend limit');
  expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'generation.failed', code: 'budget_exceeded' }));
  // The stream was cut: the fake never finished it, and the text is a fraction of what it would have said.
  const [response] = harness.fake.responses.filter((recorded) => recorded.scenario === 'runs-up-the-bill');
  expect(response.endedAt).toBeUndefined();
  expect(state.text.length).toBeLessThan(longText.length / 2);
  // The tool the stream had started was stopped with it.
  expect(state.tools).toEqual([expect.objectContaining({ id: 'toolu_budget_sleep', status: 'interrupted' })]);
  // What the stopped attempt cost is counted: at least the limit, not the whole answer's $0.052.
  const [failedAttempt] = eventsOfType(events, 'attempt.failed');
  expect(failedAttempt.costUsd).toBeGreaterThanOrEqual(0.01);
  expect(state.costUsd).toBe(failedAttempt.costUsd);
  expect(state.costUsd).toBeLessThan(0.02);
  expect(requestsOf('runs-up-the-bill')).toHaveLength(1);
  const { elapsedMs: _elapsed, ...served } = state;
  expect(foldEvents(events)).toEqual(served);
});

test('the limit counts every turn: the generation stops in the turn that reaches it, no later model call is made', async () => {
  const id = await harness.api.create(promptFor('turn-after-turn'), { maxCostUsd: 0.012 });
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);

  expect(state).toEqual(expect.objectContaining({ status: 'failed', errorCode: 'budget_exceeded', maxCostUsd: 0.012 }));
  // Two whole turns ($0.010), then the third call's input alone ($0.004) reaches the limit.
  expect(eventsOfType(events, 'iteration.completed').map((event) => event.costUsd)).toEqual([0.005, 0.005]);
  expect(state.costUsd).toBeGreaterThanOrEqual(0.012);
  expect(requestsOf('turn-after-turn')).toHaveLength(3);
  expect(toolResultProblems(requestsOf('turn-after-turn'))).toEqual([]);
});

test('a turn whose reported usage goes past the limit ends the generation failed too, though its text was short', async () => {
  const id = await harness.api.create(promptFor('bills-more-than-it-says'), { maxCostUsd: 0.01 });
  await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);
  expect(state).toEqual(expect.objectContaining({ status: 'failed', errorCode: 'budget_exceeded' }));
  expect(state.costUsd).toBeGreaterThanOrEqual(0.02);
});

test('without a limit, a failed and superseded model attempt is counted in usage and cost too', async () => {
  const id = await harness.api.create(promptFor('fails-then-answers'));
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);

  expect(state.status).toBe('completed');
  expect(state.maxCostUsd).toBeNull();
  expect(state.text).toBe('The answer.');
  expect(requestsOf('fails-then-answers')).toHaveLength(2);
  const failed = eventsOfType(events, 'attempt.failed');
  expect(failed).toEqual([expect.objectContaining({ iteration: 1, attempt: 1, usage: expect.objectContaining({ inputTokens: 1000 }) })]);
  const [turn] = eventsOfType(events, 'iteration.completed');
  expect(state.costUsd).toBeCloseTo((turn.costUsd ?? NaN) + (failed[0].costUsd ?? NaN), 6);
  expect(state.costUsd).toBeGreaterThanOrEqual(0.004); // two requests of 1,000 input tokens each
  expect(state.usage.inputTokens).toBe(2000);
});
