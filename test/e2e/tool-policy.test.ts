import fs from 'node:fs';
import path from 'node:path';
import type { RecordedRequest, RequestContentBlock, Scenario, ScriptedTurn, ScriptStep } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { foldEvents } from '../../src/shared/reducer';
import { toolResultProblems } from '../crash/crash-checks';
import type { StateResponse } from '../support/api-client';
import { maybeRecordHistory } from '../support/record-history';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const done: ScriptedTurn = { steps: [{ type: 'text', text: 'All done.' }] };
const sleepCall = (id: string, ms: number): ScriptStep => ({ type: 'tool_use', id, name: 'sleep', input: { ms } });
const wideIds = Array.from({ length: 30 }, (_, i) => `toolu_wide_${String(i).padStart(2, '0')}`);

const scenarios: Record<string, Scenario> = {
  // The write waits for approval while the model streams on for a while and a sibling finishes.
  approve: [
    {
      steps: [
        { type: 'tool_use', id: 'toolu_ap_write', name: 'write_file', input: { path: 'approved.txt', content: 'yes' } },
        sleepCall('toolu_ap_sibling', 200),
        { type: 'pause', ms: 1500 },
        { type: 'text', text: 'Waiting on that write.' },
      ],
    },
    done,
  ],
  deny: [{ steps: [{ type: 'tool_use', id: 'toolu_deny_write', name: 'write_file', input: { path: 'denied.txt', content: 'no' } }, sleepCall('toolu_deny_sibling', 100)] }, done],
  unanswered: [{ steps: [{ type: 'tool_use', id: 'toolu_late_write', name: 'write_file', input: { path: 'late.txt', content: 'no' } }] }, done],
  ask: [{ steps: [{ type: 'tool_use', id: 'toolu_ask_fail', name: 'fail', input: { key: 'ask', times: 99 } }] }, done],
  wide: [{ steps: wideIds.map((id) => sleepCall(id, 1000)) }, done],
  // write_file may not start mid-stream: it starts when the stream ends; the eager sleep does not wait.
  lazy: [
    {
      steps: [
        sleepCall('toolu_lazy_sleep', 50),
        { type: 'tool_use', id: 'toolu_lazy_write', name: 'write_file', input: { path: 'lazy.txt', content: 'after' } },
        { type: 'pause', ms: 1000 },
        { type: 'text', text: 'Still talking.' },
      ],
    },
    done,
  ],
  cancelRunning: [{ steps: [sleepCall('toolu_cancel_long', 30_000), sleepCall('toolu_cancel_sibling', 300)] }, done],
  cancelQueued: [{ steps: [sleepCall('toolu_queue_first', 1500), sleepCall('toolu_queue_second', 100)] }, done],
  // A proxy that numbers calls per response: the second turn repeats the first one's id.
  repeatedIds: [
    { steps: [{ type: 'tool_use', id: 'call_0', name: 'count', input: { key: 'first' } }] },
    {
      steps: [
        { type: 'tool_use', id: 'call_0', name: 'count', input: { key: 'second' } },
        // And one that numbers them not at all: the same id twice in one response.
        { type: 'tool_use', id: 'call_0', name: 'count', input: { key: 'third' } },
      ],
    },
    done,
  ],
  appFile: [
    {
      steps: [
        { type: 'tool_use', id: 'toolu_app_1', name: 'rename_app', input: { name: 'First' } },
        { type: 'tool_use', id: 'toolu_app_2', name: 'write_file', input: { path: 'app.json', content: '{"name":"Written","theme":"dark"}' } },
        { type: 'tool_use', id: 'toolu_app_3', name: 'rename_app', input: { name: 'Last' } },
      ],
    },
    done,
  ],
};

const harness = useHarness({ scenarios });

afterEach(() => {
  // Every request the generation sent is one the real API accepts: each tool_use answered exactly once.
  expect(toolResultProblems(harness.fake.requests)).toEqual([]);
});

function lastRequest(scenario: string): RecordedRequest {
  return harness.fake.requests.filter((request) => request.scenario === scenario).at(-1) as RecordedRequest;
}

/** Every tool_result block the model was sent in this scenario's last request, by tool_use id. */
function toolResults(scenario: string): Map<string, RequestContentBlock> {
  const results = new Map<string, RequestContentBlock>();
  for (const message of lastRequest(scenario).body.messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of message.content) if (block.type === 'tool_result') results.set(String(block.tool_use_id), block);
  }
  return results;
}

function toolOf(state: StateResponse, id: string) {
  return state.tools.find((tool) => tool.id === id);
}

function seqOf(events: GenerationEvent[], type: GenerationEvent['type'], toolUseId?: string): number {
  const found = events.find((event) => event.type === type && (toolUseId === undefined || (event as { toolUseId?: string }).toolUseId === toolUseId));
  if (!found) throw new Error(`no ${type} event${toolUseId ? ` for ${toolUseId}` : ''}`);
  return found.seq;
}

const post = (id: string, toolUseId: string, action: string, body?: unknown) => harness.api.post(`/v1/generations/${id}/tools/${toolUseId}/${action}`, body);

describe('the policy is validated and echoed in state', () => {
  test('bad policy fields are a 400 naming the field', async () => {
    const create = (extra: Record<string, unknown>) => harness.api.post('/v1/generations', { prompt: promptFor('wide'), ...extra });
    for (const maxParallelTools of [0, 65, 2.5, '8']) {
      const res = await create({ maxParallelTools });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('maxParallelTools');
    }
    const unknownTool = await create({ approval: ['write_file', 'launch_rockets'] });
    expect(unknownTool).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', message: expect.stringContaining('approval: unknown tool "launch_rockets"') } } });
    expect((await create({ eagerTools: ['nope'] })).status).toBe(400);
    expect((await create({ eagerTools: 'some' })).status).toBe(400);
    expect((await create({ onToolFailure: 'panic' })).status).toBe(400);
    expect((await create({ approvalTimeoutMs: -1 })).status).toBe(400);
    const windowWithoutAsk = await create({ toolDecisionTimeoutMs: 1000 });
    expect(windowWithoutAsk).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('onToolFailure: "ask"') } } });
  });
});

describe('approval', () => {
  test('a call in the approval list waits while the stream goes on and its sibling finishes; approve runs it', async () => {
    const id = await harness.api.create(promptFor('approve'), { approval: ['write_file'] });
    const waiting = await harness.api.waitForState(id, (state) => toolOf(state, 'toolu_ap_write')?.status === 'awaiting_approval' && toolOf(state, 'toolu_ap_sibling')?.status === 'completed');
    expect(waiting.status).toBe('waiting');
    expect(waiting.policy).toEqual({
      onToolFailure: 'report',
      toolDecisionTimeoutMs: 0,
      approval: ['write_file'],
      approvalTimeoutMs: 24 * 60 * 60 * 1000,
      maxParallelTools: 8,
      eagerTools: 'all',
    });
    expect(toolOf(waiting, 'toolu_ap_write')?.awaitingApprovalUntil).toEqual(expect.any(String));
    expect(fs.existsSync(path.join(harness.workspaceOf(id), 'approved.txt'))).toBe(false);

    expect(await post(id, 'toolu_nope', 'approve')).toMatchObject({ status: 404, body: { error: { message: expect.stringContaining('No tool call toolu_nope') } } });
    expect(await post(id, 'toolu_ap_sibling', 'approve')).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('not waiting for approval') } } });
    expect(await post(id, 'toolu_ap_write', 'approve')).toEqual({ status: 202, body: { id, accepted: 'approve' } });
    expect((await post(id, 'toolu_ap_write', 'deny')).status).toBe(409);

    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(state.status).toBe('completed');
    // The model went on streaming after the call asked for approval; the sibling finished before anyone answered.
    expect(seqOf(events, 'tool.awaiting_approval', 'toolu_ap_write')).toBeLessThan(seqOf(events, 'iteration.completed'));
    expect(seqOf(events, 'tool.completed', 'toolu_ap_sibling')).toBeLessThan(seqOf(events, 'tool.approved', 'toolu_ap_write'));
    expect(seqOf(events, 'tool.approved', 'toolu_ap_write')).toBeLessThan(seqOf(events, 'tool.started', 'toolu_ap_write'));
    expect(toolOf(state, 'toolu_ap_write')).toMatchObject({ status: 'completed', awaitingApprovalUntil: null });
    expect(fs.readFileSync(path.join(harness.workspaceOf(id), 'approved.txt'), 'utf8')).toBe('yes');
    expect(toolResults('approve').get('toolu_ap_write')?.is_error).toBeUndefined();
    expect(foldEvents(events).tools).toEqual(state.tools);
    await maybeRecordHistory(harness.env, id, 'tool-approval');
  });

  test('deny sends the model an error with the reason; the tool never runs', async () => {
    const id = await harness.api.create(promptFor('deny'), { approval: ['write_file'] });
    await harness.api.waitForState(id, (state) => toolOf(state, 'toolu_deny_write')?.status === 'awaiting_approval');
    expect((await post(id, 'toolu_deny_write', 'deny', { reason: 42 })).status).toBe(400);
    expect(await post(id, 'toolu_deny_write', 'deny', { reason: 'Not on a Friday' })).toEqual({ status: 202, body: { id, accepted: 'deny' } });
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(eventsOfType(events, 'tool.denied')).toEqual([expect.objectContaining({ toolUseId: 'toolu_deny_write', reason: 'Not on a Friday', by: 'user' })]);
    expect(eventsOfType(events, 'tool.started').map((event) => event.toolUseId)).toEqual(['toolu_deny_sibling']);
    expect(toolOf(state, 'toolu_deny_write')).toMatchObject({ status: 'denied', error: 'Not on a Friday' });
    expect(toolResults('deny').get('toolu_deny_write')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('Not on a Friday') }));
    expect(fs.existsSync(path.join(harness.workspaceOf(id), 'denied.txt'))).toBe(false);
    expect(state.status).toBe('completed');
  });

  test('a call nobody approves within approvalTimeoutMs counts as denied', async () => {
    const id = await harness.api.create(promptFor('unanswered'), { approval: ['write_file'], approvalTimeoutMs: 500 });
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.denied')).toEqual([expect.objectContaining({ toolUseId: 'toolu_late_write', by: 'timeout' })]);
    expect(toolResults('unanswered').get('toolu_late_write')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('Nobody approved') }));
    expect(fs.existsSync(path.join(harness.workspaceOf(id), 'late.txt'))).toBe(false);
    expect((await harness.api.state(id)).status).toBe('completed');
  });
});

describe('onToolFailure', () => {
  test('ask: a tool that still fails waits for a decision (the server default is report)', async () => {
    const id = await harness.api.create(promptFor('ask'), { onToolFailure: 'ask', toolDecisionTimeoutMs: 60_000 });
    const waiting = await harness.api.waitForState(id, (state) => state.status === 'waiting');
    expect(waiting.policy).toMatchObject({ onToolFailure: 'ask', toolDecisionTimeoutMs: 60_000 });
    expect(toolOf(waiting, 'toolu_ask_fail')).toMatchObject({ status: 'failed', awaitingDecisionUntil: expect.any(String) });
    expect((await post(id, 'toolu_ask_fail', 'skip')).status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.decided')).toEqual([expect.objectContaining({ decision: 'skip' })]);
    expect(toolResults('ask').get('toolu_ask_fail')).toEqual(expect.objectContaining({ is_error: true }));
  });

  test('report: the error goes to the model after the attempts, nobody is asked', async () => {
    const id = await harness.api.create(promptFor('ask'), { onToolFailure: 'report' });
    const events = await harness.api.pollToEnd(id);
    expect(eventsOfType(events, 'tool.awaiting_decision')).toHaveLength(0);
    expect((await harness.api.state(id)).policy).toMatchObject({ onToolFailure: 'report', toolDecisionTimeoutMs: 0 });
    expect(toolResults('ask').get('toolu_ask_fail')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('failed after 3 attempt(s)') }));
  });
});

describe('maxParallelTools and eagerTools', () => {
  test('a turn of 30 calls never runs more than 8 at once, and queued calls start in stream order', async () => {
    const id = await harness.api.create(promptFor('wide'));
    const events = await harness.api.pollToEnd(id, { timeoutMs: 120_000 });
    let running = 0;
    let most = 0;
    for (const event of events) {
      if (event.type === 'tool.started') running++;
      if (event.type === 'tool.completed' || event.type === 'tool.failed' || event.type === 'tool.interrupted') running--;
      most = Math.max(most, running);
    }
    expect(most).toBe(8);
    expect(eventsOfType(events, 'tool.started').map((event) => event.toolUseId)).toEqual(wideIds);
    // The tool activities themselves (start to end, on the worker's clock) never overlap more than 8 deep.
    const spans = eventsOfType(events, 'tool.completed').map((event) => ({ end: Date.parse(event.at), start: Date.parse(event.at) - event.durationMs }));
    const overlapAt = (t: number) => spans.filter((span) => span.start <= t && t < span.end).length;
    expect(Math.max(...spans.map((span) => overlapAt(span.start)))).toBeLessThanOrEqual(8);
    expect(toolResults('wide').size).toBe(30);
    expect((await harness.api.state(id)).status).toBe('completed');
  });

  test('a tool left out of eagerTools starts only after the stream ends; an eager one does not wait', async () => {
    const id = await harness.api.create(promptFor('lazy'), { eagerTools: ['sleep'] });
    const events = await harness.api.pollToEnd(id);
    // The turn's text after the pause is the last thing the stream delivers.
    const lastText = Math.max(...eventsOfType(events, 'text.delta').filter((event) => event.iteration === 1).map((event) => event.seq));
    expect(seqOf(events, 'tool.started', 'toolu_lazy_sleep')).toBeLessThan(lastText);
    expect(seqOf(events, 'tool.detected', 'toolu_lazy_write')).toBeGreaterThan(lastText);
    expect(seqOf(events, 'tool.started', 'toolu_lazy_write')).toBeGreaterThan(lastText);
    const response = harness.fake.responses.find((candidate) => candidate.scenario === 'lazy' && candidate.turn === 0);
    const started = eventsOfType(events, 'tool.started').find((event) => event.toolUseId === 'toolu_lazy_write');
    expect(Date.parse(started?.at ?? '')).toBeGreaterThanOrEqual(response?.endedAt ?? Infinity);
    expect(fs.readFileSync(path.join(harness.workspaceOf(id), 'lazy.txt'), 'utf8')).toBe('after');
    expect((await harness.api.state(id)).status).toBe('completed');
  });
});

describe('per-tool cancel', () => {
  test('a running tool is stopped alone: the model hears it was cancelled by the user, its sibling and the generation go on', async () => {
    const id = await harness.api.create(promptFor('cancelRunning'));
    await harness.api.waitForState(id, (state) => toolOf(state, 'toolu_cancel_long')?.status === 'running');
    expect(await post(id, 'toolu_cancel_long', 'cancel')).toEqual({ status: 202, body: { id, accepted: 'cancel-tool' } });
    const events = await harness.api.pollToEnd(id, { timeoutMs: 20_000 });
    const state = await harness.api.state(id);
    expect(eventsOfType(events, 'tool.cancelled')).toEqual([expect.objectContaining({ toolUseId: 'toolu_cancel_long', attempt: 1 })]);
    expect(toolOf(state, 'toolu_cancel_long')).toMatchObject({ status: 'cancelled' });
    expect(toolOf(state, 'toolu_cancel_sibling')).toMatchObject({ status: 'completed' });
    expect(toolResults('cancelRunning').get('toolu_cancel_long')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('cancelled by the user') }));
    expect(state.status).toBe('completed');
    expect(await post(id, 'toolu_cancel_long', 'cancel')).toMatchObject({ status: 409 });
    await maybeRecordHistory(harness.env, id, 'tool-cancel');
  });

  test('a queued tool is cancelled before it ever starts', async () => {
    const id = await harness.api.create(promptFor('cancelQueued'), { maxParallelTools: 1 });
    const queued = await harness.api.waitForState(id, (state) => toolOf(state, 'toolu_queue_first')?.status === 'running' && toolOf(state, 'toolu_queue_second') !== undefined);
    expect(toolOf(queued, 'toolu_queue_second')?.status).toBe('pending');
    expect(await post(id, 'toolu_unknown', 'cancel')).toMatchObject({ status: 404 });
    expect((await post(id, 'toolu_queue_second', 'cancel')).status).toBe(202);
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(eventsOfType(events, 'tool.started').map((event) => event.toolUseId)).toEqual(['toolu_queue_first']);
    expect(toolOf(state, 'toolu_queue_second')).toMatchObject({ status: 'cancelled', attempts: 0, startedAt: null });
    expect(toolOf(state, 'toolu_queue_first')).toMatchObject({ status: 'completed' });
    expect(toolResults('cancelQueued').get('toolu_queue_second')).toEqual(expect.objectContaining({ is_error: true, content: expect.stringContaining('cancelled by the user') }));
  });
});

describe('odd model output', () => {
  test('a tool_use id repeating an earlier one gets its own identity: both run, each answered with its own result', async () => {
    const id = await harness.api.create(promptFor('repeatedIds'));
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    // Repeated in a later turn: `_i<iteration>`; repeated within one response: `_<n>` (the model activity's).
    expect(state.tools.map((tool) => [tool.id, tool.modelToolUseId, tool.status])).toEqual([
      ['call_0', undefined, 'completed'],
      ['call_0_i2', 'call_0', 'completed'],
      ['call_0_2', 'call_0', 'completed'],
    ]);
    expect(eventsOfType(events, 'tool.detected')[1]).toMatchObject({ toolUseId: 'call_0_i2', modelToolUseId: 'call_0' });
    const workspace = harness.workspaceOf(id);
    for (const key of ['first', 'second', 'third']) expect(fs.readFileSync(path.join(workspace, `.count-${key}`), 'utf8')).toBe('1');
    const results = toolResults('repeatedIds');
    expect([...results.keys()]).toEqual(['call_0', 'call_0_i2', 'call_0_2']);
    expect(state.status).toBe('completed');
  });

  test('rename_app and write_file app.json keep the order the model wrote them in', async () => {
    const id = await harness.api.create(promptFor('appFile'));
    const events = await harness.api.pollToEnd(id);
    const ids = ['toolu_app_1', 'toolu_app_2', 'toolu_app_3'];
    for (let i = 1; i < ids.length; i++) {
      expect(seqOf(events, 'tool.completed', ids[i - 1])).toBeLessThan(seqOf(events, 'tool.started', ids[i]));
    }
    expect(JSON.parse(fs.readFileSync(path.join(harness.workspaceOf(id), 'app.json'), 'utf8'))).toEqual({ name: 'Last', theme: 'dark' });
    expect((await harness.api.state(id)).status).toBe('completed');
  });
});
