import type { DetectedToolCall, ModelTurnResult, StreamProgress } from '../../src/shared/model-turn';
import { commitPartialTurn, withoutInputs } from '../../src/shared/partial-turn';
import { zeroUsage } from '../../src/shared/usage';
import { eventsOfType } from '../support/scenario';
import { ModelTurnTracker } from '../../src/workflows/model-turn-tracker';
import { Recorder } from '../../src/workflows/recorder';
import type { ToolScheduler } from '../../src/workflows/tool-scheduler';

const at = '2026-11-22T00:00:00.000Z';

function call(id: string): DetectedToolCall {
  return { id, name: 'write_file', input: { path: id, content: '' }, summary: `write_file ${id}`, resourceKey: `file:${id}`, rejection: null, detectedAt: at };
}

function progress(attempt: number, items: StreamProgress['items'], iteration = 1): StreamProgress {
  return { iteration, attempt, phase: 'streaming', items };
}

function result(streamAttempt: number, text: string, toolCalls: DetectedToolCall[] = []): ModelTurnResult {
  return {
    streamAttempt,
    content: [],
    stopReason: toolCalls.length > 0 ? 'tool_use' : 'end_turn',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    costUsd: 0,
    toolCalls,
    text,
    streamEndedAt: at,
  };
}

/** The tracker with a real recorder and a scheduler that only records what it was handed. */
function setup(policy: { taken?: string[]; lazyTools?: string[] } = {}) {
  const recorder = new Recorder(1000);
  recorder.emit({ type: 'iteration.started', iteration: 1 }, at);
  const dispatched: string[] = [];
  const scheduler = {
    dispatch: (c: DetectedToolCall) => dispatched.push(c.id),
    startsEarly: (name: string) => !(policy.lazyTools ?? []).includes(name),
    isTaken: (id: string) => (policy.taken ?? []).includes(id),
  } as unknown as ToolScheduler;
  const tracker = new ModelTurnTracker(1, recorder, scheduler);
  const events = () => recorder.log.read(0, 1000).events;
  return { recorder, tracker, dispatched, events };
}

test('signals of another iteration or an older attempt are ignored', () => {
  const { tracker, recorder, events } = setup();
  tracker.onProgress(progress(2, [{ type: 'text', text: 'new ', at }]));
  tracker.onProgress(progress(1, [{ type: 'text', text: 'stale attempt', at }]));
  tracker.onProgress(progress(2, [{ type: 'text', text: 'stale iteration', at }], 0));
  expect(recorder.state.text).toBe('new ');
  expect(eventsOfType(events(), 'text.delta').map((event) => event.attempt)).toEqual([2]);
});

test('a newer attempt supersedes the text of the one before', () => {
  const { tracker, recorder, events } = setup();
  tracker.onProgress(progress(1, [{ type: 'text', text: 'half an ans', at }]));
  tracker.onProgress(progress(2, [{ type: 'text', text: 'A whole answer.', at }]));
  expect(recorder.state.text).toBe('A whole answer.');
  expect(eventsOfType(events(), 'attempt.superseded')).toEqual([expect.objectContaining({ iteration: 1, attempt: 1 })]);
});

test('the result makes good text and tool calls the signals missed, and nothing twice', () => {
  const { tracker, recorder, dispatched } = setup();
  tracker.onProgress(progress(1, [{ type: 'text', text: 'Hello ', at }, { type: 'tool_call', call: call('a') }]));
  tracker.close(result(1, 'Hello world.', [call('a'), call('b')]));
  expect(recorder.state.text).toBe('Hello world.');
  // The scheduler dedupes by id; the tracker hands over every call the result names.
  expect(dispatched).toEqual(['a', 'a', 'b']);
});

test('after the result, late signals of the same turn change nothing', () => {
  const { tracker, recorder, dispatched } = setup();
  tracker.close(result(1, 'Done.'));
  tracker.onProgress(progress(1, [{ type: 'text', text: 'Done.', at }, { type: 'tool_call', call: call('late') }]));
  expect(recorder.state.text).toBe('Done.');
  expect(dispatched).toEqual([]);
});

test('a result from a newer attempt than the signals supersedes their text', () => {
  const { tracker, recorder, events } = setup();
  tracker.onProgress(progress(1, [{ type: 'text', text: 'first try', at }]));
  tracker.close(result(2, 'second try'));
  expect(recorder.state.text).toBe('second try');
  expect(eventsOfType(events(), 'attempt.superseded')).toHaveLength(1);
});

describe('what the workflow received, for a retried attempt', () => {
  test('received() holds the text and tool calls of the current attempt, in stream order', () => {
    const { tracker } = setup();
    tracker.onProgress(progress(1, [{ type: 'text', text: 'Writing ', at }, { type: 'text', text: 'a.', at }, { type: 'tool_call', call: call('a') }, { type: 'text', text: 'Then b.', at }]));
    expect(tracker.received()).toEqual({
      streamAttempt: 1,
      content: [{ type: 'text', text: 'Writing a.' }, { type: 'tool_use', id: 'a', name: 'write_file', input: { path: 'a', content: '' } }, { type: 'text', text: 'Then b.' }],
      toolCalls: [call('a')],
      text: 'Writing a.Then b.',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    });
  });

  test('commitReceived ends the turn at the handed-over calls, and is nothing without calls', () => {
    const { tracker } = setup();
    tracker.onProgress(progress(1, [{ type: 'text', text: 'Just text', at }]));
    expect(tracker.commitReceived('stream broke')).toBeUndefined();
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('a') }]));
    expect(tracker.commitReceived('stream broke')).toMatchObject({ stopReason: 'tool_use', interruption: 'stream broke', toolCalls: [call('a')], streamAttempt: 1 });
  });

  test('abandonAttempt supersedes text already shown', () => {
    const { tracker, events } = setup();
    tracker.onProgress(progress(2, [{ type: 'text', text: 'doomed', at }]));
    tracker.abandonAttempt();
    expect(eventsOfType(events(), 'attempt.superseded')).toEqual([expect.objectContaining({ iteration: 1, attempt: 2 })]);
    expect(tracker.received().text).toBe('');
  });
});

describe('a retry claiming the turn', () => {
  test('after a claim, signals of older attempts are ignored', () => {
    const { tracker, dispatched } = setup();
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('a') }]));
    // The claim names the calls the workflow has; their inputs stay in the workflow.
    const claimed = tracker.claim(2);
    expect(claimed?.toolCalls).toEqual([{ ...call('a'), input: {} }]);
    expect(claimed?.inputsOmitted).toEqual(['a']);
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('late') }]));
    expect(dispatched).toEqual(['a']);
  });

  test('a result that leaves delivered inputs out gets them back, in its calls and its tool_use blocks', () => {
    const { tracker } = setup();
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('a') }]));
    const committed = commitPartialTurn(withoutInputs({ ...tracker.received(), usage: zeroUsage }, new Set(['a'])), 0, 'resumed');
    expect(committed.toolCalls[0].input).toEqual({});
    const closed = tracker.close(committed);
    expect(closed.toolCalls).toEqual([call('a')]);
    expect(closed.content).toEqual([{ type: 'tool_use', id: 'a', name: 'write_file', input: call('a').input }]);
    expect(closed.inputsOmitted).toBeUndefined();
  });

  test('a started call missing from the result is added to the turn, so it gets a tool_result', () => {
    const { tracker, dispatched } = setup();
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('a') }, { type: 'tool_call', call: call('b') }]));
    // The committed result knew only "a" (a heartbeat that lagged behind the signals).
    const turn = tracker.close({ ...result(1, '', [call('a')]), content: [{ type: 'tool_use', id: 'a', name: 'write_file', input: { path: 'a', content: '' } }] });
    expect(turn.toolCalls.map((c) => c.id)).toEqual(['a', 'b']);
    expect(turn.content.map((block) => (block.type === 'tool_use' ? block.id : block.type))).toEqual(['a', 'b']);
    expect(turn.stopReason).toBe('tool_use');
    // The result's calls are handed over again on close; the scheduler starts each id at most once.
    expect([...new Set(dispatched)]).toEqual(['a', 'b']);
  });

  test('a claim after the result was taken gets nothing', () => {
    const { tracker } = setup();
    tracker.close(result(1, 'done'));
    expect(tracker.claim(2)).toBeNull();
  });
});

describe('with a tool policy', () => {
  test('a call whose id an earlier turn used gets its own, in the dispatch, the content and the tool calls', () => {
    const { tracker, dispatched } = setup({ taken: ['a', 'a_i1'] });
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('a') }]));
    const taken = result(1, '', [call('a'), call('b')]);
    const turn = tracker.close({ ...taken, content: [{ type: 'tool_use', id: 'a', name: 'write_file', input: {} }, { type: 'tool_use', id: 'b', name: 'write_file', input: {} }] });
    expect([...new Set(dispatched)]).toEqual(['a_i1_2', 'b']);
    expect(turn.toolCalls.map((known) => [known.id, known.modelToolUseId])).toEqual([
      ['a_i1_2', 'a'],
      ['b', undefined],
    ]);
    expect(turn.content.map((block) => block.type === 'tool_use' && block.id)).toEqual(['a_i1_2', 'b']);
  });

  test('a call left out of eagerTools, and a later call on its resource, start only when the stream ends', () => {
    const { tracker, dispatched } = setup({ lazyTools: ['write_file'] });
    const edit: DetectedToolCall = { ...call('x'), id: 'edit_x', name: 'edit_file' };
    const other: DetectedToolCall = { ...call('y'), name: 'edit_file' };
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('x') }, { type: 'tool_call', call: edit }, { type: 'tool_call', call: other }]));
    expect(dispatched).toEqual(['y']);
    tracker.close(result(1, '', [call('x'), edit, other]));
    expect([...new Set(dispatched)]).toEqual(['y', 'x', 'edit_x']);
  });

  test('a held call of an attempt that is superseded never starts', () => {
    const { tracker, dispatched } = setup({ lazyTools: ['write_file'] });
    tracker.onProgress(progress(1, [{ type: 'tool_call', call: call('old') }]));
    tracker.close(result(2, 'Answered differently.'));
    expect(dispatched).toEqual([]);
  });
});
