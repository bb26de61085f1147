import type { GenerationEvent, GenerationEventBody } from '../../src/shared/events';
import { foldEvents, reduce } from '../../src/shared/reducer';
import { initialState, maxStateTextChars, maxStateThinkingChars, type GenerationState } from '../../src/shared/state';
import { at, deepFreeze, randomBodies, seededRandom, sequence } from './support/events';

const started: GenerationEventBody = { type: 'generation.started', generationId: 'gen-1', prompt: 'Write app.js', model: 'claude-sonnet-5-5', maxIterations: 10 };

/** Folds bodies numbered from 1, freezing every intermediate state so a mutation anywhere throws. */
function fold(bodies: GenerationEventBody[], from: GenerationState = initialState): GenerationState {
  return sequence(bodies, from.lastSeq + 1).reduce((state, event) => deepFreeze(reduce(deepFreeze(state), event)), from);
}

function detected(toolUseId: string, iteration = 1): GenerationEventBody {
  return { type: 'tool.detected', toolUseId, name: 'write_file', input: { path: `${toolUseId}.txt` }, iteration, summary: `${toolUseId}.txt` };
}

describe('generation lifecycle', () => {
  test('generation.started fills in the generation and marks it running', () => {
    const state = fold([started]);
    expect(state).toEqual({
      ...initialState,
      generationId: 'gen-1',
      prompt: 'Write app.js',
      model: 'claude-sonnet-5-5',
      maxIterations: 10,
      status: 'running',
      startedAt: at(1),
      lastSeq: 1,
    });
  });

  test('generation.completed records the stop reason and the finish time', () => {
    const state = fold([started, { type: 'generation.completed', stopReason: 'end_turn' }]);
    expect(state).toMatchObject({ status: 'completed', stopReason: 'end_turn', finishedAt: at(2), error: null });
  });

  test('generation.failed records the error and the finish time', () => {
    const state = fold([started, { type: 'generation.failed', error: 'ModelRequestRejected: 400' }]);
    expect(state).toMatchObject({ status: 'failed', error: 'ModelRequestRejected: 400', finishedAt: at(2) });
  });

  test('activity.changed replaces the activity', () => {
    const state = fold([started, { type: 'activity.changed', activity: { kind: 'executing_tools', tools: ['write_file'] } }]);
    expect(state.activity).toEqual({ kind: 'executing_tools', tools: ['write_file'] });
  });

  test('every event advances lastSeq to its own seq', () => {
    const events = sequence([started, { type: 'iteration.started', iteration: 1 }, detected('a')]);
    const seqs: number[] = [];
    events.reduce((state, event) => {
      const next = reduce(state, event);
      seqs.push(next.lastSeq);
      return next;
    }, initialState);
    expect(seqs).toEqual([1, 2, 3]);
  });
});

describe('text', () => {
  test('text.delta appends in order', () => {
    const state = fold([started, { type: 'iteration.started', iteration: 1 }, ...['Hel', 'lo', ' wörld'].map((text) => ({ type: 'text.delta' as const, iteration: 1, attempt: 1, text }))]);
    expect(state.text).toBe('Hello wörld');
  });

  test('iteration.started remembers where the iteration text starts', () => {
    const state = fold([
      started,
      { type: 'iteration.started', iteration: 1 },
      { type: 'text.delta', iteration: 1, attempt: 1, text: 'First. ' },
      { type: 'iteration.started', iteration: 2 },
    ]);
    expect(state).toMatchObject({ iteration: 2, iterationTextStart: 'First. '.length });
  });

  test('attempt.superseded cuts only the current iteration text; the retry text follows the earlier iterations', () => {
    const state = fold([
      started,
      { type: 'iteration.started', iteration: 1 },
      { type: 'text.delta', iteration: 1, attempt: 1, text: 'Kept from iteration 1. ' },
      { type: 'iteration.started', iteration: 2 },
      { type: 'text.delta', iteration: 2, attempt: 1, text: 'A half-streamed ans' },
      { type: 'attempt.superseded', iteration: 2, attempt: 1 },
    ]);
    expect(state.text).toBe('Kept from iteration 1. ');

    const retried = fold(
      [
        { type: 'text.delta', iteration: 2, attempt: 2, text: 'The answer.' },
        { type: 'attempt.superseded', iteration: 2, attempt: 2 },
        { type: 'text.delta', iteration: 2, attempt: 3, text: 'The final answer.' },
      ],
      state,
    );
    expect(retried.text).toBe('Kept from iteration 1. The final answer.');
  });
});

describe('thinking', () => {
  test('thinking.delta builds the iteration\'s thinking apart from the text; a new iteration and a superseded attempt clear it', () => {
    const state = fold([
      started,
      { type: 'iteration.started', iteration: 1 },
      { type: 'thinking.delta', iteration: 1, attempt: 1, text: 'Plan: ' },
      { type: 'thinking.delta', iteration: 1, attempt: 1, text: 'write app.js.' },
      { type: 'text.delta', iteration: 1, attempt: 1, text: 'Writing it.' },
    ]);
    expect(state).toMatchObject({ thinking: 'Plan: write app.js.', text: 'Writing it.' });
    expect(fold([{ type: 'attempt.superseded', iteration: 1, attempt: 1 }], state).thinking).toBe('');
    expect(fold([{ type: 'iteration.started', iteration: 2 }], state).thinking).toBe('');
  });

  test('thinking keeps only its last maxStateThinkingChars characters', () => {
    const long = 'x'.repeat(maxStateThinkingChars) + 'tail';
    const state = fold([started, { type: 'iteration.started', iteration: 1 }, { type: 'thinking.delta', iteration: 1, attempt: 1, text: long }]);
    expect(state.thinking).toHaveLength(maxStateThinkingChars);
    expect(state.thinking?.endsWith('tail')).toBe(true);
  });
});

describe('tools', () => {
  test('tool.detected adds a pending tool with no attempts yet', () => {
    const state = fold([started, detected('a', 3)]);
    expect(state.tools).toEqual([
      {
        id: 'a',
        name: 'write_file',
        input: { path: 'a.txt' },
        summary: 'a.txt',
        iteration: 3,
        status: 'pending',
        attempts: 0,
        detectedAt: at(2),
        startedAt: null,
        completedAt: null,
        resultPreview: null,
        error: null,
        awaitingDecisionUntil: null,
        awaitingApprovalUntil: null,
      },
    ]);
  });

  test('pending → running → failed and retrying (pending) → running → completed, with attempts and timestamps', () => {
    const steps: GenerationEventBody[] = [
      started,
      detected('a'),
      { type: 'tool.started', toolUseId: 'a', attempt: 1 },
      { type: 'tool.failed', toolUseId: 'a', attempt: 1, error: 'EBUSY', willRetry: true },
      { type: 'tool.started', toolUseId: 'a', attempt: 2 },
      { type: 'tool.completed', toolUseId: 'a', attempt: 2, resultPreview: 'Wrote 3 bytes', durationMs: 12 },
    ];
    const states = steps.map((_, i) => fold(steps.slice(0, i + 1)));
    const tool = (i: number) => states[i].tools[0];

    expect(tool(2)).toMatchObject({ status: 'running', attempts: 1, startedAt: at(3), completedAt: null });
    expect(tool(3)).toMatchObject({ status: 'pending', attempts: 1, completedAt: null, error: 'EBUSY' });
    // A retry keeps the first start time and clears the previous attempt's error.
    expect(tool(4)).toMatchObject({ status: 'running', attempts: 2, startedAt: at(3), error: null });
    expect(tool(5)).toMatchObject({ status: 'completed', attempts: 2, startedAt: at(3), completedAt: at(6), resultPreview: 'Wrote 3 bytes', error: null });
  });

  test('a failure without retry is final and records when it ended', () => {
    const state = fold([
      started,
      detected('a'),
      { type: 'tool.started', toolUseId: 'a', attempt: 3 },
      { type: 'tool.failed', toolUseId: 'a', attempt: 3, error: 'disk full', willRetry: false },
    ]);
    expect(state.tools[0]).toMatchObject({ status: 'failed', attempts: 3, completedAt: at(4), error: 'disk full', resultPreview: null });
  });

  test('events change only the tool they name, and keep the detection order', () => {
    const state = fold([started, detected('a'), detected('b'), detected('c'), { type: 'tool.started', toolUseId: 'b', attempt: 1 }]);
    expect(state.tools.map((tool) => [tool.id, tool.status])).toEqual([
      ['a', 'pending'],
      ['b', 'running'],
      ['c', 'pending'],
    ]);
  });

  test('events for a tool never detected leave the tools alone', () => {
    const before = fold([started, detected('a')]);
    const after = fold([{ type: 'tool.completed', toolUseId: 'nope', attempt: 1, resultPreview: 'x', durationMs: 1 }], before);
    expect(after).toEqual({ ...before, lastSeq: before.lastSeq + 1 });
  });
});

describe('tool policy', () => {
  const policy = { onToolFailure: 'report', toolDecisionTimeoutMs: 0, approval: ['write_file'], approvalTimeoutMs: 1000, maxParallelTools: 8, eagerTools: 'all' } as const;

  test('generation.started echoes the policy; events from before policies leave it null', () => {
    expect(fold([{ ...started, policy: { ...policy, approval: ['write_file'] } }]).policy).toEqual(policy);
    expect(fold([started]).policy).toBeNull();
  });

  test('awaiting approval makes the generation waiting; approved goes back to pending and running', () => {
    const waiting = fold([started, detected('a'), { type: 'tool.awaiting_approval', toolUseId: 'a', until: at(60) }]);
    expect(waiting.status).toBe('waiting');
    expect(waiting.tools[0]).toMatchObject({ status: 'awaiting_approval', awaitingApprovalUntil: at(60) });
    const approved = fold([{ type: 'tool.approved', toolUseId: 'a' }], waiting);
    expect(approved.status).toBe('running');
    expect(approved.tools[0]).toMatchObject({ status: 'pending', awaitingApprovalUntil: null });
  });

  test('denied is final with the reason as the error; cancelled is final with its attempts', () => {
    const denied = fold([
      started,
      detected('a'),
      detected('b'),
      { type: 'tool.awaiting_approval', toolUseId: 'a', until: at(60) },
      { type: 'tool.denied', toolUseId: 'a', reason: 'Not today', by: 'user' },
      { type: 'tool.started', toolUseId: 'b', attempt: 1 },
      { type: 'tool.cancelled', toolUseId: 'b', attempt: 1 },
    ]);
    expect(denied.status).toBe('running');
    expect(denied.tools[0]).toMatchObject({ status: 'denied', error: 'Not today', completedAt: at(5), awaitingApprovalUntil: null });
    expect(denied.tools[1]).toMatchObject({ status: 'cancelled', attempts: 1, completedAt: at(7) });
  });

  test('a renamed repeated id keeps the model id beside its own', () => {
    const state = fold([started, { ...detected('call_0_2'), modelToolUseId: 'call_0' } as GenerationEventBody]);
    expect(state.tools[0]).toMatchObject({ id: 'call_0_2', modelToolUseId: 'call_0' });
  });
});

describe('usage and cost', () => {
  test('iteration.completed sums usage and cost over iterations and keeps the latest stop reason', () => {
    const state = fold([
      started,
      { type: 'iteration.completed', iteration: 1, usage: { inputTokens: 100, outputTokens: 20, cacheReadInputTokens: 5, cacheCreationInputTokens: 7 }, costUsd: 0.1, stopReason: 'tool_use' },
      { type: 'iteration.completed', iteration: 2, usage: { inputTokens: 150, outputTokens: 30, cacheReadInputTokens: 90, cacheCreationInputTokens: 0 }, costUsd: 0.2, stopReason: 'end_turn' },
    ]);
    expect(state.usage).toEqual({ inputTokens: 250, outputTokens: 50, cacheReadInputTokens: 95, cacheCreationInputTokens: 7 });
    // 0.1 + 0.2 is 0.30000000000000004 in floats; the reducer rounds to micro-dollars.
    expect(state.costUsd).toBe(0.3);
    expect(state.stopReason).toBe('end_turn');
  });

  test('a turn of unknown cost makes the total unknown (null) from then on, never $0', () => {
    const usage = { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };
    const state = fold([
      started,
      { type: 'iteration.completed', iteration: 1, usage, costUsd: 0.1, stopReason: 'tool_use' },
      { type: 'iteration.completed', iteration: 2, usage, costUsd: null, stopReason: 'tool_use' },
      { type: 'iteration.completed', iteration: 3, usage, costUsd: 0.2, stopReason: 'end_turn' },
    ]);
    expect(state.costUsd).toBeNull();
    expect(state.usage.inputTokens).toBe(3);
  });
});

describe('purity and forward compatibility', () => {
  test('an unknown event type is ignored apart from advancing lastSeq', () => {
    const before = fold([started, detected('a')]);
    const unknown = { type: 'tool.paused', toolUseId: 'a', seq: 3, at: at(3) } as unknown as GenerationEvent;
    let after: GenerationState = initialState;
    expect(() => {
      after = reduce(deepFreeze(before), unknown);
    }).not.toThrow();
    expect(after).toEqual({ ...before, lastSeq: 3 });
  });

  test('reduce never mutates the state or the event it is given, over a long random run', () => {
    // fold() deep-freezes every state; freezing the events too makes any write throw.
    const events = sequence(randomBodies(seededRandom(7), 400)).map((event) => deepFreeze(event));
    let state = deepFreeze(initialState);
    for (const event of events) state = deepFreeze(reduce(state, event));
    expect(state.lastSeq).toBe(400);
    expect(state.tools.length).toBeGreaterThan(0);
  });

  test('reduce returns a new state for a known event and leaves the old one as it was', () => {
    const before = fold([started, detected('a')]);
    const snapshot = structuredClone(before);
    const after = reduce(before, { type: 'tool.started', toolUseId: 'a', attempt: 1, seq: 3, at: at(3) });
    expect(after).not.toBe(before);
    expect(after.tools).not.toBe(before.tools);
    expect(before).toEqual(snapshot);
  });

  test('foldEvents starts from initialState by default, or from the state it is given', () => {
    const events = sequence([started, { type: 'iteration.started', iteration: 1 }, { type: 'text.delta', iteration: 1, attempt: 1, text: 'hi' }]);
    const whole = foldEvents(events);
    expect(whole).toEqual(fold([started, { type: 'iteration.started', iteration: 1 }, { type: 'text.delta', iteration: 1, attempt: 1, text: 'hi' }]));
    expect(foldEvents(events.slice(2), foldEvents(events.slice(0, 2)))).toEqual(whole);
    expect(foldEvents([])).toBe(initialState);
  });
});

describe('failure semantics', () => {
  const failed = (toolUseId: string): GenerationEventBody => ({ type: 'tool.failed', toolUseId, attempt: 3, error: 'boom', willRetry: false });

  test('a tool waiting for a decision makes the generation waiting; the last decision makes it running again', () => {
    const waiting = fold([
      started,
      detected('a'),
      detected('b'),
      failed('a'),
      failed('b'),
      { type: 'tool.awaiting_decision', toolUseId: 'a', until: at(60) },
      { type: 'tool.awaiting_decision', toolUseId: 'b', until: at(61) },
    ]);
    expect(waiting.status).toBe('waiting');
    expect(waiting.tools.map((tool) => tool.awaitingDecisionUntil)).toEqual([at(60), at(61)]);

    const oneDecided = fold([{ type: 'tool.decided', toolUseId: 'a', decision: 'retry' }], waiting);
    expect(oneDecided.status).toBe('waiting');
    expect(oneDecided.tools[0]).toMatchObject({ status: 'pending', awaitingDecisionUntil: null, completedAt: null });

    const bothDecided = fold([{ type: 'tool.decided', toolUseId: 'b', decision: 'skip' }], oneDecided);
    expect(bothDecided.status).toBe('running');
    expect(bothDecided.tools[1]).toMatchObject({ status: 'failed', awaitingDecisionUntil: null });
  });

  test('blocked shows the error and the deadline; resumed clears both', () => {
    const blocked = fold([started, { type: 'generation.blocked', iteration: 1, error: 'Model call failed: 529', until: at(99) }]);
    expect(blocked).toMatchObject({ status: 'blocked', error: 'Model call failed: 529', blockedUntil: at(99) });
    const resumed = fold([{ type: 'generation.resumed', by: 'resume' }], blocked);
    expect(resumed).toMatchObject({ status: 'running', error: null, blockedUntil: null });
  });

  test('cancelled is final, with interrupted tools', () => {
    const state = fold([
      started,
      detected('a'),
      { type: 'tool.started', toolUseId: 'a', attempt: 1 },
      { type: 'tool.interrupted', toolUseId: 'a', attempt: 1 },
      { type: 'generation.cancelled', reason: 'user stop' },
    ]);
    expect(state).toMatchObject({ status: 'cancelled', stopReason: 'cancelled', finishedAt: at(5) });
    expect(state.tools[0]).toMatchObject({ status: 'interrupted', attempts: 1, completedAt: at(4) });
  });

  test('a message reopens a finished generation', () => {
    const finished = fold([started, { type: 'generation.failed', error: 'Model call failed: 400' }]);
    const reopened = fold([{ type: 'message.received', text: 'try again' }], finished);
    expect(reopened).toMatchObject({ status: 'running', error: null, finishedAt: null, stopReason: null });
  });
});

describe('the text in state is bounded', () => {
  test('keeps the latest maxStateTextChars characters and counts the rest', () => {
    const chunk = 'a'.repeat(10_000);
    const bodies: GenerationEventBody[] = [started, { type: 'iteration.started', iteration: 1 }];
    for (let i = 0; i < 5; i++) bodies.push({ type: 'text.delta', iteration: 1, attempt: 1, text: chunk });
    bodies.push({ type: 'text.delta', iteration: 1, attempt: 1, text: 'END' });
    const state = fold(bodies);
    expect(state.text).toHaveLength(maxStateTextChars);
    expect(state.text.endsWith('aEND')).toBe(true);
    expect(state.textOmittedChars).toBe(50_003 - maxStateTextChars);
  });

  test('a superseded attempt still drops only its own iteration, also once earlier text was cut', () => {
    const bodies: GenerationEventBody[] = [
      started,
      { type: 'iteration.started', iteration: 1 },
      { type: 'text.delta', iteration: 1, attempt: 1, text: 'b'.repeat(maxStateTextChars) },
      { type: 'iteration.started', iteration: 2 },
      { type: 'text.delta', iteration: 2, attempt: 1, text: 'c'.repeat(100) },
    ];
    const cut = fold(bodies);
    expect(cut.iterationTextStart).toBe(maxStateTextChars - 100);
    const superseded = fold([{ type: 'attempt.superseded', iteration: 2, attempt: 1 }], cut);
    expect(superseded.text).toBe('b'.repeat(maxStateTextChars - 100));
  });
});

describe('live usage', () => {
  const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 });
  const live = (attempt: number, outputTokens: number, costUsd: number): GenerationEventBody => ({ type: 'usage.updated', iteration: 1, attempt, usage: usage(100, outputTokens), costUsd });
  const completed: GenerationEventBody = { type: 'iteration.completed', iteration: 1, usage: usage(100, 40), costUsd: 0.0007, stopReason: 'end_turn' };

  test('usage.updated counts the streaming turn in the totals, replacing its previous report; iteration.completed replaces it with the final figures', () => {
    const earlier: GenerationEventBody = { type: 'iteration.completed', iteration: 0, usage: usage(10, 5), costUsd: 0.0001, stopReason: 'tool_use' };
    const midway = fold([started, earlier, { type: 'iteration.started', iteration: 1 }, live(1, 1, 0.0003), live(1, 20, 0.0005)]);
    expect(midway.usage).toEqual(usage(110, 25));
    expect(midway.costUsd).toBe(0.0006);
    const final = fold([completed], midway);
    expect(final.usage).toEqual(usage(110, 45));
    expect(final.costUsd).toBe(0.0008);
    expect(final.liveTurn).toBeNull();
    expect(final.usage).toEqual(fold([started, earlier, { type: 'iteration.started', iteration: 1 }, completed]).usage);
  });

  test('a superseded attempt or a blocked call takes its live figures back out; a newer attempt replaces an older one', () => {
    const base = fold([started, { type: 'iteration.started', iteration: 1 }]);
    expect(fold([live(1, 10, 0.0004), { type: 'attempt.superseded', iteration: 1, attempt: 1 }], base)).toMatchObject({ usage: usage(0, 0), costUsd: 0 });
    expect(fold([live(1, 10, 0.0004), { type: 'generation.blocked', iteration: 1, error: 'overloaded', until: at(9) }], base)).toMatchObject({ usage: usage(0, 0), costUsd: 0 });
    expect(fold([live(1, 10, 0.0004), live(2, 3, 0.0002)], base)).toMatchObject({ usage: usage(100, 3), costUsd: 0.0002 });
  });
});
