import type { RecordedRequest, Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { foldEvents } from '../../src/shared/reducer';
import { toolResultProblems } from '../crash/crash-checks';
import type { StateResponse } from '../support/api-client';
import { maybeRecordHistory } from '../support/record-history';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const longTurn: ScriptedTurn = {
  steps: [
    { type: 'text', text: 'Starting the work. ' },
    { type: 'tool_use', id: 'toolu_long_sleep', name: 'sleep', input: { ms: 30_000 } },
    { type: 'tool_use', id: 'toolu_quick_count', name: 'count', input: { key: 'quick' } },
    { type: 'text', text: 'This explanation goes on for a long while. '.repeat(40) },
  ],
  tokensPerSecond: 40,
};

const scenarios: Record<string, Scenario> = {
  'long-running': (_request, { callIndex }) => (callIndex === 0 ? longTurn : { steps: [{ type: 'text', text: 'Resumed after cancel.' }] }),
  quick: (_request, { turn }) => ({ steps: [{ type: 'text', text: turn === 0 ? 'First reply.' : 'Second reply.' }] }),
  'tools-after-stream': (_request, { callIndex }) =>
    callIndex === 0
      ? {
          steps: [
            { type: 'text', text: 'Two tools. ' },
            { type: 'tool_use', id: 'toolu_after_count', name: 'count', input: { key: 'after' } },
            { type: 'tool_use', id: 'toolu_after_sleep', name: 'sleep', input: { ms: 30_000 } },
            { type: 'text', text: 'Done talking.' },
          ],
        }
      : { steps: [{ type: 'text', text: 'Going on.' }] },
  'slow-text': [{ steps: [{ type: 'text', text: 'Slowly. '.repeat(100) }], tokensPerSecond: 40 }],
};

const harness = useHarness({ scenarios });

function requestsOf(scenario: string): RecordedRequest[] {
  return harness.fake.requests.filter((request) => request.scenario === scenario);
}

function toolOf(state: StateResponse, id: string) {
  return state.tools.find((tool) => tool.id === id);
}

test('cancel stops the stream and the running tools, records them as interrupted, and ends the generation', async () => {
  const id = await harness.api.create(promptFor('long-running'));
  await harness.api.waitForState(id, (state) => toolOf(state, 'toolu_long_sleep')?.status === 'running' && toolOf(state, 'toolu_quick_count')?.status === 'completed');

  const cancelledAt = Date.now();
  const cancel = await harness.api.post(`/v1/generations/${id}/cancel`, { reason: 'user stop' });
  expect(cancel).toEqual({ status: 202, body: { id, accepted: 'cancel' } });
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);

  const [response] = harness.fake.responses.filter((recorded) => recorded.scenario === 'long-running');
  expect(response.endedAt).toBeUndefined();
  expect(response.closedAt).toBeDefined();
  // The brief's promise: the stream stops within 2 s of the cancel.
  expect((response.closedAt as number) - cancelledAt).toBeLessThanOrEqual(2000);

  expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'generation.cancelled', reason: 'user stop' }));
  expect(state.status).toBe('cancelled');
  expect(state.activity).toEqual({ kind: 'idle', tools: [] });
  expect(toolOf(state, 'toolu_long_sleep')).toEqual(expect.objectContaining({ status: 'interrupted' }));
  expect(toolOf(state, 'toolu_quick_count')).toEqual(expect.objectContaining({ status: 'completed' }));
  expect(eventsOfType(events, 'tool.interrupted')).toEqual([expect.objectContaining({ toolUseId: 'toolu_long_sleep' })]);
  expect(eventsOfType(events, 'tool.completed').map((event) => event.toolUseId)).toEqual(['toolu_quick_count']);
  expect(foldEvents(events).status).toBe('cancelled');
  expect(requestsOf('long-running')).toHaveLength(1);
  await maybeRecordHistory(harness.env, id, 'cancel');

  const again = await harness.api.post<{ error: { code: string } }>(`/v1/generations/${id}/cancel`);
  expect(again.status).toBe(409);

  // A message continues the cancelled generation: same id, the event sequence goes on.
  const lastSeq = events.at(-1)?.seq as number;
  expect((await harness.api.post(`/v1/generations/${id}/messages`, { text: 'Carry on, but skip the sleep.' })).status).toBe(202);
  const more = await harness.api.pollToEnd(id);
  expect(more.slice(0, lastSeq)).toEqual(events);
  expect(more[lastSeq]).toEqual(expect.objectContaining({ type: 'message.received', seq: lastSeq + 1, text: 'Carry on, but skip the sleep.' }));
  const continued = await harness.api.state(id);
  expect(continued.status).toBe('completed');
  expect(continued.text.endsWith('Resumed after cancel.')).toBe(true);
  expect(foldEvents(more)).toEqual(expect.objectContaining({ status: 'completed', text: continued.text, lastSeq: continued.lastSeq }));
  const lastRequest = requestsOf('long-running').at(-1) as RecordedRequest;
  expect(JSON.stringify(lastRequest.body.messages)).toContain('Carry on, but skip the sleep.');

  // The follow-up continues from what really happened: the cut-short turn's text so far, the
  // completed count with its real result, the interrupted sleep with an is_error result.
  expect(toolResultProblems(requestsOf('long-running'))).toEqual([]);
  // The follow-up is a user message of its own after the stored tool results (the API joins consecutive user turns).
  const [prompt, assistant, user, followUp, ...rest] = lastRequest.body.messages;
  expect(rest).toEqual([]);
  expect(followUp).toEqual({ role: 'user', content: 'Carry on, but skip the sleep.' });
  expect(prompt).toEqual({ role: 'user', content: promptFor('long-running') });
  const said = (assistant.content as { type: string; text?: string }[]).filter((block) => block.type === 'text').map((block) => block.text).join('');
  expect(said.startsWith('Starting the work. This explanation goes on')).toBe(true);
  expect(said.length).toBeLessThan((longTurn.steps[0] as { text: string }).text.length + (longTurn.steps[3] as { text: string }).text.length);
  expect(state.text).toBe(said); // exactly what the client saw stream before the cancel
  expect(assistant.content).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: 'tool_use', id: 'toolu_long_sleep', name: 'sleep', input: { ms: 30_000 } }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_quick_count', name: 'count', input: { key: 'quick' } }),
    ]),
  );
  expect(user).toEqual({
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'toolu_long_sleep', content: expect.stringContaining('interrupted by cancel'), is_error: true },
      { type: 'tool_result', tool_use_id: 'toolu_quick_count', content: '1' },
    ],
  });
});

test('cancel after the stream ended, while the turn\'s tools run: the follow-up holds the whole turn and the finished tool\'s result', async () => {
  const id = await harness.api.create(promptFor('tools-after-stream'));
  // The stream is over (the model is idle) and only the sleep still runs.
  await harness.api.waitForState(
    id,
    (state) => toolOf(state, 'toolu_after_count')?.status === 'completed' && state.activity.kind === 'executing_tools' && state.text === 'Two tools. Done talking.',
  );
  expect((await harness.api.post(`/v1/generations/${id}/cancel`)).status).toBe(202);
  await harness.api.pollToEnd(id);
  expect((await harness.api.post(`/v1/generations/${id}/messages`, { text: 'Go on.' })).status).toBe(202);
  await harness.api.pollToEnd(id);
  expect((await harness.api.state(id)).status).toBe('completed');

  const requests = requestsOf('tools-after-stream');
  expect(toolResultProblems(requests)).toEqual([]);
  expect((requests.at(-1) as RecordedRequest).body.messages.slice(1)).toEqual([
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Two tools. ' },
        expect.objectContaining({ type: 'tool_use', id: 'toolu_after_count' }),
        expect.objectContaining({ type: 'tool_use', id: 'toolu_after_sleep' }),
        { type: 'text', text: 'Done talking.' },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_after_count', content: '1' },
        { type: 'tool_result', tool_use_id: 'toolu_after_sleep', content: expect.stringContaining('interrupted by cancel'), is_error: true },
      ],
    },
    { role: 'user', content: 'Go on.' },
  ]);
});

test('a message continues a completed generation with the whole conversation', async () => {
  const id = await harness.api.create(promptFor('quick'));
  const first = await harness.api.pollToEnd(id);
  expect((await harness.api.state(id)).text).toBe('First reply.');
  // The result is a summary: the run's settings are its input (the Web UI's Input panel), not repeated here.
  const result = await harness.env.client.workflow.getHandle(workflowIdFor(id)).result();
  expect(result).toMatchObject({ generationId: id, status: 'completed', iterations: 1 });
  expect(result).not.toHaveProperty('run');

  expect((await harness.api.post(`/v1/generations/${id}/messages`, { text: 'And then?' })).status).toBe(202);
  const all = await harness.api.pollToEnd(id);
  expect(all.slice(0, first.length)).toEqual(first);
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.text).toBe('First reply.Second reply.');
  expect(eventsOfType(all, 'iteration.started').map((event) => event.iteration)).toEqual([1, 2]);
  const second = requestsOf('quick').filter((request) => request.turn === 1).at(-1) as RecordedRequest;
  expect(second.body.messages).toEqual([
    { role: 'user', content: promptFor('quick') },
    { role: 'assistant', content: [expect.objectContaining({ type: 'text', text: 'First reply.' })] },
    { role: 'user', content: 'And then?' },
  ]);
  // The follow-up took the settings from the finished run's input.
  const firstRequest = requestsOf('quick').find((request) => request.turn === 0) as RecordedRequest;
  expect({ model: second.body.model, max_tokens: second.body.max_tokens }).toEqual({ model: firstRequest.body.model, max_tokens: firstRequest.body.max_tokens });
});

test('a message to a generation that is still running is refused and changes nothing', async () => {
  const id = await harness.api.create(promptFor('slow-text'));
  await harness.api.waitForState(id, (state) => state.text.length > 0);
  const refused = await harness.api.post<{ error: { code: string; message: string } }>(`/v1/generations/${id}/messages`, { text: 'Hurry up' });
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toContain('running');
  const resume = await harness.api.post(`/v1/generations/${id}/resume`);
  expect(resume.status).toBe(409);
  expect((await harness.api.post(`/v1/generations/${id}/cancel`)).status).toBe(202);
  const events = await harness.api.pollToEnd(id);
  expect(eventsOfType(events, 'message.received')).toHaveLength(0);
  expect(events.at(-1)?.type).toBe('generation.cancelled');
});

test.each([
  ['cancel', {}],
  ['resume', {}],
  ['messages', { text: 'hello' }],
  ['tools/toolu_x/retry', {}],
  ['tools/toolu_x/skip', {}],
])('POST %s on an unknown generation is 404', async (action, body) => {
  const res = await harness.api.post<{ error: { code: string } }>(`/v1/generations/no-such-generation/${action}`, body);
  expect(res.status).toBe(404);
  expect(res.body.error.code).toBe('not_found');
});

test.each([
  ['messages', {}, 'text'],
  ['messages', { text: '   ' }, 'text'],
  ['messages', { text: 'hi', extra: 1 }, 'body'],
  ['cancel', { reason: 5 }, 'reason'],
  ['resume', { force: true }, 'body'],
])('POST %s with %j is 400 naming %s', async (action, body, field) => {
  const res = await harness.api.post<{ error: { code: string; details: { issues: { field: string }[] } } }>(`/v1/generations/some-id/${action}`, body);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details.issues[0].field).toBe(field);
});
