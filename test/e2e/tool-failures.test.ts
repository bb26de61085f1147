import type { RecordedRequest, RequestContentBlock, Scenario } from '../../src/fake-anthropic';
import { foldEvents } from '../../src/shared/reducer';
import type { StateResponse } from '../support/api-client';
import { maybeRecordHistory } from '../support/record-history';
import { eventsOfType, promptFor } from '../support/scenario';
import { useTemporalEnv } from '../support/temporal-env';
import { useHarness, type Harness } from '../support/toolstream-harness';

/** One turn with a failing tool beside a sleeping sibling, then the model wraps up. */
function failingBesideSibling(key: string, times: number): Scenario {
  return (_request, { turn }) =>
    turn === 0
      ? {
          steps: [
            { type: 'tool_use', id: `toolu_fail_${key}`, name: 'fail', input: { key, times } },
            { type: 'tool_use', id: `toolu_sibling_${key}`, name: 'sleep', input: { ms: 300 } },
          ],
        }
      : { steps: [{ type: 'text', text: 'Wrapped up.' }] };
}

const scenarios: Record<string, Scenario> = {
  flaky: failingBesideSibling('flaky', 2),
  broken: failingBesideSibling('broken', 99),
  'retry-me': failingBesideSibling('retry', 4),
  'skip-me': failingBesideSibling('skip', 99),
  'message-me': failingBesideSibling('message', 99),
  'time-me-out': failingBesideSibling('timeout', 99),
};

const temporalEnv = useTemporalEnv();

function lastRequest(harness: Harness, scenario: string): RecordedRequest {
  return harness.fake.requests.filter((request) => request.scenario === scenario).at(-1) as RecordedRequest;
}

/** The tool_result blocks of the request's last message, by tool_use id. */
function toolResults(request: RecordedRequest): Map<string, RequestContentBlock> {
  const last = request.body.messages.at(-1);
  const blocks = last && typeof last.content !== 'string' ? last.content : [];
  return new Map(blocks.filter((block) => block.type === 'tool_result').map((block) => [block.tool_use_id as string, block]));
}

function toolOf(state: StateResponse, id: string) {
  return state.tools.find((tool) => tool.id === id);
}

describe('with the default policy (3 attempts, errors reported to the model at once)', () => {
  const harness = useHarness({ scenarios }, temporalEnv);

  test('a tool that fails twice is retried with backoff and its third attempt succeeds', async () => {
    const id = await harness.api.create(promptFor('flaky'));
    const events = await harness.api.pollToEnd(id);
    const failures = eventsOfType(events, 'tool.failed');
    expect(failures.map((event) => [event.attempt, event.willRetry])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(eventsOfType(events, 'tool.started').filter((event) => event.toolUseId === 'toolu_fail_flaky').map((event) => event.attempt)).toEqual([1, 2, 3]);
    // Backoff: 500 ms, then 1 s, between the attempts.
    const starts = eventsOfType(events, 'tool.started').filter((event) => event.toolUseId === 'toolu_fail_flaky');
    expect(Date.parse(starts[2].at) - Date.parse(starts[1].at)).toBeGreaterThanOrEqual(1000);
    const result = toolResults(lastRequest(harness, 'flaky')).get('toolu_fail_flaky');
    expect(result).toEqual(expect.objectContaining({ content: 'Succeeded after 2 failures' }));
    expect(result?.is_error).toBeUndefined();
    expect((await harness.api.state(id)).status).toBe('completed');
  });

  test('a tool that keeps failing goes to the model as an error after 3 attempts; its sibling is untouched', async () => {
    const id = await harness.api.create(promptFor('broken'));
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(eventsOfType(events, 'tool.failed').map((event) => event.willRetry)).toEqual([true, true, false]);
    expect(eventsOfType(events, 'tool.awaiting_decision')).toHaveLength(0);
    expect(toolOf(state, 'toolu_fail_broken')).toEqual(expect.objectContaining({ status: 'failed', attempts: 3 }));
    expect(toolOf(state, 'toolu_sibling_broken')).toEqual(expect.objectContaining({ status: 'completed', attempts: 1 }));
    const results = toolResults(lastRequest(harness, 'broken'));
    expect(results.get('toolu_fail_broken')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('failed after 3 attempt(s)') }));
    expect(results.get('toolu_sibling_broken')).toEqual(expect.objectContaining({ content: 'Slept 300 ms' }));
    expect(state.status).toBe('completed');

    // With no decision window, the failure is already with the model: nothing to retry.
    const retry = await harness.api.post(`/v1/generations/${id}/tools/toolu_fail_broken/retry`);
    expect(retry.status).toBe(409);
  });
});

describe('with a decision window (TOOLSTREAM_TOOL_DECISION_TIMEOUT)', () => {
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_TOOL_DECISION_TIMEOUT: '60000' } }, temporalEnv);

  async function untilWaiting(scenario: string, key: string): Promise<{ id: string; waiting: StateResponse }> {
    const id = await harness.api.create(promptFor(scenario));
    const waiting = await harness.api.waitForState(id, (state) => state.status === 'waiting' && toolOf(state, `toolu_sibling_${key}`)?.status === 'completed');
    return { id, waiting };
  }

  test('retry runs a failed tool again with fresh attempts while its sibling already finished', async () => {
    const { id, waiting } = await untilWaiting('retry-me', 'retry');
    expect(toolOf(waiting, 'toolu_fail_retry')).toEqual(expect.objectContaining({ status: 'failed', attempts: 3, awaitingDecisionUntil: expect.any(String) }));
    expect(waiting.activity).toEqual({ kind: 'awaiting_decision', tools: ['fail'] });

    const unknownTool = await harness.api.post(`/v1/generations/${id}/tools/toolu_nope/retry`);
    expect(unknownTool.status).toBe(404);
    const siblingRetry = await harness.api.post(`/v1/generations/${id}/tools/toolu_sibling_retry/retry`);
    expect(siblingRetry.status).toBe(409);

    expect(await harness.api.post(`/v1/generations/${id}/tools/toolu_fail_retry/retry`)).toEqual({ status: 202, body: { id, accepted: 'retry' } });
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(eventsOfType(events, 'tool.decided')).toEqual([expect.objectContaining({ toolUseId: 'toolu_fail_retry', decision: 'retry' })]);
    // Calls 1-4 fail: three before the decision, one after; the fifth succeeds.
    expect(toolOf(state, 'toolu_fail_retry')).toEqual(expect.objectContaining({ status: 'completed', attempts: 5, awaitingDecisionUntil: null }));
    expect(toolResults(lastRequest(harness, 'retry-me')).get('toolu_fail_retry')).toEqual(expect.objectContaining({ content: 'Succeeded after 4 failures' }));
    expect(state.status).toBe('completed');
    expect(foldEvents(events).tools).toEqual(state.tools);
    await maybeRecordHistory(harness.env, id, 'tool-retry-resume');
  });

  test('skip reports the failure to the model', async () => {
    const { id } = await untilWaiting('skip-me', 'skip');
    expect((await harness.api.post(`/v1/generations/${id}/tools/toolu_fail_skip/skip`)).status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.decided')).toEqual([expect.objectContaining({ decision: 'skip' })]);
    expect(toolResults(lastRequest(harness, 'skip-me')).get('toolu_fail_skip')).toEqual(expect.objectContaining({ is_error: true }));
    expect((await harness.api.state(id)).status).toBe('completed');
  });

  test('a message answers the open decisions and goes to the model after the tool results', async () => {
    const { id } = await untilWaiting('message-me', 'message');
    expect((await harness.api.post(`/v1/generations/${id}/messages`, { text: 'Never mind that tool.' })).status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.decided')).toEqual([expect.objectContaining({ decision: 'message' })]);
    expect(eventsOfType(events, 'message.received')).toEqual([expect.objectContaining({ text: 'Never mind that tool.' })]);
    const last = lastRequest(harness, 'message-me').body.messages.at(-1);
    expect(last?.content).toEqual([
      expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_fail_message', is_error: true }),
      expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_sibling_message' }),
      { type: 'text', text: 'Never mind that tool.' },
    ]);
  });
});

describe('with a short decision window', () => {
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_TOOL_DECISION_TIMEOUT: '500' } }, temporalEnv);

  test('an undecided failure goes to the model when the window closes', async () => {
    const id = await harness.api.create(promptFor('time-me-out'));
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.decided')).toEqual([expect.objectContaining({ decision: 'timeout' })]);
    expect(toolResults(lastRequest(harness, 'time-me-out')).get('toolu_fail_timeout')).toEqual(expect.objectContaining({ is_error: true }));
    expect((await harness.api.state(id)).status).toBe('completed');
  });
});
