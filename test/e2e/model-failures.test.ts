import fs from 'node:fs';
import path from 'node:path';
import type { MessagesRequestBody, RecordedRequest, Scenario, ScriptedTurn, ScriptStep } from '../../src/fake-anthropic';
import { foldEvents } from '../../src/shared/reducer';
import { maybeRecordHistory } from '../support/record-history';
import { eventsOfType, promptFor } from '../support/scenario';
import { useTemporalEnv } from '../support/temporal-env';
import { useHarness } from '../support/toolstream-harness';

/** Everything goes wrong at most once per scenario: the first call fails its way, the next one answers. */
const answer: ScriptedTurn = { steps: [{ type: 'text', text: 'Second answer.' }] };
const idleTimeoutMs = 1500;

function failsFirst(first: ScriptedTurn, then: ScriptedTurn = answer): Scenario {
  return (_request, { callIndex }) => (callIndex === 0 ? first : then);
}

/** A first attempt that streams text (and lets it reach the workflow: the pause outlasts the text batch), then breaks the way `fault` says. */
function brokenStream(fault: ScriptStep, withTool: boolean): ScriptedTurn {
  const tool: ScriptStep[] = withTool ? [{ type: 'tool_use', id: `toolu_${fault.type}`, name: 'count', input: { key: fault.type } }] : [];
  return { steps: [{ type: 'text', text: 'First attempt text that must vanish. ' }, ...tool, { type: 'text', text: 'More words. ' }, { type: 'pause', ms: 400 }, fault] };
}

const faults: Record<string, ScriptStep> = {
  error: { type: 'error', errorType: 'overloaded_error', message: 'Overloaded' },
  disconnect: { type: 'disconnect' },
  stall: { type: 'stall' },
};

const alwaysUnavailable: ScriptedTurn = {
  steps: [],
  httpError: { status: 503, errorType: 'api_error', message: 'Service unavailable', retryAfterSeconds: 0.05 },
};

/** Unavailable for the first five calls (one activity's whole retry budget), then fine. */
const unavailableFiveTimes = (then: ScriptedTurn): Scenario => (_request, { callIndex }) => (callIndex < 5 ? alwaysUnavailable : then);

const scenarios: Record<string, Scenario> = {
  'rate-limited': failsFirst({ steps: [], httpError: { status: 429, errorType: 'rate_limit_error', message: 'Slow down', retryAfterSeconds: 2 } }),
  overloaded: failsFirst({ steps: [], httpError: { status: 529, errorType: 'overloaded_error', message: 'Overloaded' } }),
  'server-error': failsFirst({ steps: [], httpError: { status: 500, errorType: 'api_error', message: 'Internal error' } }),
  ...Object.fromEntries(Object.entries(faults).map(([name, step]) => [`${name}-before-tools`, failsFirst(brokenStream(step, false))])),
  ...Object.fromEntries(
    Object.entries(faults).map(([name, step]) => [`${name}-after-tools`, failsFirst(brokenStream(step, true), { steps: [{ type: 'text', text: 'Done.' }] })]),
  ),
  'blocked-resume': unavailableFiveTimes({ steps: [{ type: 'text', text: 'Back again.' }] }),
  'blocked-message': unavailableFiveTimes({ steps: [{ type: 'text', text: 'Thanks for the hint.' }] }),
  'blocked-cancel': () => alwaysUnavailable,
};

const temporalEnv = useTemporalEnv();
const harness = useHarness({ scenarios, env: { TOOLSTREAM_STREAM_IDLE_TIMEOUT: String(idleTimeoutMs) } }, temporalEnv);

function requestsOf(scenario: string): RecordedRequest[] {
  return harness.fake.requests.filter((request) => request.scenario === scenario);
}

async function run(scenario: string) {
  const id = await harness.api.create(promptFor(scenario));
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);
  expect(foldEvents(events)).toEqual(omitElapsed(state));
  return { id, events, state };
}

function omitElapsed<T extends { elapsedMs: number }>(state: T): Omit<T, 'elapsedMs'> {
  const { elapsedMs: _elapsed, ...rest } = state;
  return rest;
}

/** Every tool_use the model was sent has exactly one tool_result right after it. */
function expectEveryToolUseAnswered(body: MessagesRequestBody): void {
  body.messages.forEach((message, index) => {
    if (message.role !== 'assistant' || typeof message.content === 'string') return;
    const ids = message.content.filter((block) => block.type === 'tool_use').map((block) => block.id);
    const next = body.messages[index + 1];
    const results = next && typeof next.content !== 'string' ? next.content.filter((block) => block.type === 'tool_result') : [];
    expect(results.map((block) => block.tool_use_id)).toEqual(ids);
  });
}

describe('before the stream', () => {
  test('429 waits for retry-after, then the retry answers', async () => {
    const { state } = await run('rate-limited');
    expect(state.status).toBe('completed');
    expect(state.text).toBe('Second answer.');
    const [first, second] = harness.fake.responses.filter((response) => response.scenario === 'rate-limited');
    expect(first.status).toBe(429);
    // The retry policy alone would retry after 1 s; the server asked for 2.
    expect(second.startedAt - first.startedAt).toBeGreaterThanOrEqual(1900);
  });

  test.each(['overloaded', 'server-error'])('%s is retried with backoff and the generation completes', async (scenario) => {
    const { state, events } = await run(scenario);
    expect(state.status).toBe('completed');
    expect(state.text).toBe('Second answer.');
    expect(requestsOf(scenario)).toHaveLength(2);
    // Nothing streamed before the failure, so nothing is superseded.
    expect(eventsOfType(events, 'attempt.superseded')).toHaveLength(0);
  });
});

describe.each(Object.keys(faults))('a stream that ends in %s', (fault) => {
  test('before any tool call: the attempt is superseded and its text never reaches the final text', async () => {
    const { id, state, events } = await run(`${fault}-before-tools`);
    expect(state.status).toBe('completed');
    expect(state.text).toBe('Second answer.');
    const superseded = eventsOfType(events, 'attempt.superseded');
    expect(superseded).toEqual([expect.objectContaining({ iteration: 1, attempt: 1 })]);
    const firstAttemptText = eventsOfType(events, 'text.delta').filter((event) => event.attempt === 1);
    expect(firstAttemptText.length).toBeGreaterThan(0);
    expect(firstAttemptText.every((event) => event.seq < superseded[0].seq)).toBe(true);
    expect(requestsOf(`${fault}-before-tools`)).toHaveLength(2);
    if (fault === 'error') await maybeRecordHistory(harness.env, id, 'superseded-attempt');
  });

  test('after a tool call: the tool runs once, the partial turn is committed, the model goes on from there', async () => {
    const scenario = `${fault}-after-tools`;
    const { id, state, events } = await run(scenario);
    expect(state.status).toBe('completed');
    expect(eventsOfType(events, 'attempt.superseded')).toHaveLength(0);
    expect(state.tools).toEqual([expect.objectContaining({ id: `toolu_${fault}`, status: 'completed', attempts: 1 })]);
    expect(fs.readFileSync(path.join(harness.workspaceOf(id), `.count-${fault}`), 'utf8')).toBe('1');
    const [firstIteration] = eventsOfType(events, 'iteration.completed');
    expect(firstIteration.interruption).toEqual(expect.any(String));
    expect(firstIteration.stopReason).toBe('tool_use');

    const requests = requestsOf(scenario);
    expect(requests).toHaveLength(2);
    const followUp = requests[1].body;
    expect(followUp.messages[1]).toEqual({
      role: 'assistant',
      content: [
        expect.objectContaining({ type: 'text', text: expect.stringContaining('First attempt text') }),
        expect.objectContaining({ type: 'tool_use', id: `toolu_${fault}` }),
        expect.objectContaining({ type: 'text', text: 'More words. ' }),
      ],
    });
    expectEveryToolUseAnswered(followUp);
    expect(state.text).toBe('First attempt text that must vanish. More words. Done.');
  });
});

describe('when the model stays unavailable through every retry', () => {
  test('the generation is blocked, shows the error, and resume tries again', async () => {
    const id = await harness.api.create(promptFor('blocked-resume'));
    const blocked = await harness.api.waitForState(id, (state) => state.status === 'blocked');
    expect(blocked.error).toContain('503');
    expect(blocked.blockedUntil).toEqual(expect.any(String));
    expect(requestsOf('blocked-resume')).toHaveLength(5);

    const resumed = await harness.api.post(`/v1/generations/${id}/resume`);
    expect(resumed).toEqual({ status: 202, body: { id, accepted: 'resume' } });
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(state.status).toBe('completed');
    expect(state.text).toBe('Back again.');
    expect(state.error).toBeNull();
    expect(eventsOfType(events, 'generation.resumed')).toEqual([expect.objectContaining({ by: 'resume' })]);
    await maybeRecordHistory(harness.env, id, 'blocked-resume');

    // Resuming a generation that is not blocked changes nothing.
    const again = await harness.api.post<{ error: { code: string } }>(`/v1/generations/${id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  test('a message unblocks it, and the model sees the message', async () => {
    const id = await harness.api.create(promptFor('blocked-message'));
    await harness.api.waitForState(id, (state) => state.status === 'blocked');
    const sent = await harness.api.post(`/v1/generations/${id}/messages`, { text: 'Try a shorter answer.' });
    expect(sent.status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'message.received')).toEqual([expect.objectContaining({ text: 'Try a shorter answer.' })]);
    const last = requestsOf('blocked-message').at(-1) as RecordedRequest;
    expect(JSON.stringify(last.body.messages.at(-1))).toContain('Try a shorter answer.');
    expect((await harness.api.state(id)).text).toBe('Thanks for the hint.');
  });

  test('cancel ends a blocked generation', async () => {
    const id = await harness.api.create(promptFor('blocked-cancel'));
    await harness.api.waitForState(id, (state) => state.status === 'blocked');
    expect((await harness.api.post(`/v1/generations/${id}/cancel`, { reason: 'giving up' })).status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'generation.cancelled', reason: 'giving up' }));
    expect((await harness.api.state(id)).status).toBe('cancelled');
  });
});

describe('with a short blocked timeout', () => {
  const short = useHarness({ scenarios, env: { TOOLSTREAM_BLOCKED_TIMEOUT: '1000' } }, temporalEnv);

  test('a blocked generation nobody resumes fails by itself with the model error', async () => {
    const id = await short.api.create(promptFor('blocked-cancel'));
    const events = await short.api.pollToEnd(id);
    expect(eventsOfType(events, 'generation.blocked')).toHaveLength(1);
    const state = await short.api.state(id);
    expect(state.status).toBe('failed');
    expect(state.error).toMatch(/503.*blocked for 1000 ms/);
  });
});
