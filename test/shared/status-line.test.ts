import { describeActivity, describeDoing, formatStatusLine, statusFigures } from '../../src/shared/status-line';
import { initialState } from '../../src/shared/state';

test('the status line has exactly the agreed format', () => {
  expect(formatStatusLine({ elapsedMs: 12_900, iteration: 3, tokens: 2456, costUsd: 0.02341 })).toBe('⏱ 12s | Iteration 3 | Tokens: 2,456 | Cost: $0.0234');
  expect(formatStatusLine({ elapsedMs: 0, iteration: 0, tokens: 0, costUsd: 0 })).toBe('⏱ 0s | Iteration 0 | Tokens: 0 | Cost: $0.0000');
});

test('figures: elapsed runs on the clock until finished; tokens count every billed token', () => {
  const state = {
    ...initialState,
    startedAt: '2026-01-01T00:00:00.000Z',
    iteration: 2,
    usage: { inputTokens: 1000, outputTokens: 400, cacheReadInputTokens: 50, cacheCreationInputTokens: 6 },
    costUsd: 0.5,
  };
  const now = Date.parse('2026-01-01T00:00:07.500Z');
  expect(statusFigures(state, now)).toEqual({ elapsedMs: 7500, iteration: 2, tokens: 1456, costUsd: 0.5 });
  expect(statusFigures({ ...state, finishedAt: '2026-01-01T00:00:03.000Z' }, now).elapsedMs).toBe(3000);
});

test('activity reads as what the AI is doing', () => {
  expect(describeActivity({ kind: 'thinking', tools: [] })).toBe('💭 Thinking…');
  expect(describeActivity({ kind: 'streaming', tools: ['write_file'] })).toBe('⌨ Writing… (running write_file)');
  expect(describeActivity({ kind: 'executing_tools', tools: ['a', 'b'] })).toBe('⏳ Running a, b…');
  expect(describeActivity({ kind: 'awaiting_decision', tools: ['fail'] })).toBe('✋ fail failed: retry or skip?');
  expect(describeActivity({ kind: 'idle', tools: [] })).toBe('');
});

test('what the AI is doing names tools by their summary', () => {
  const row = { input: {}, iteration: 1, attempts: 1, detectedAt: '2026-01-01T00:00:00.000Z', startedAt: null, completedAt: null, resultPreview: null, error: null, awaitingDecisionUntil: null };
  const state = {
    ...initialState,
    tools: [
      { ...row, id: 'a', name: 'write_file', summary: 'write_file src/app.js', status: 'running' as const },
      { ...row, id: 'b', name: 'sleep', summary: 'sleep 10ms', status: 'pending' as const },
      { ...row, id: 'c', name: 'fail', summary: 'fail k times=3', status: 'failed' as const, awaitingDecisionUntil: '2026-01-01T00:01:00.000Z' },
    ],
  };
  expect(describeDoing({ ...state, activity: { kind: 'executing_tools', tools: ['write_file'] } })).toBe('⏳ Running write_file src/app.js…');
  expect(describeDoing({ ...state, activity: { kind: 'streaming', tools: ['write_file'] } })).toBe('⌨ Writing… (running write_file src/app.js)');
  expect(describeDoing({ ...state, activity: { kind: 'waiting_for_tools', tools: ['sleep'] } })).toBe('⏰ Waiting for sleep 10ms…');
  expect(describeDoing({ ...state, activity: { kind: 'awaiting_decision', tools: ['fail'] } })).toBe('✋ fail k times=3 failed: retry or skip?');
  expect(describeDoing({ ...initialState, activity: { kind: 'thinking', tools: [] } })).toBe('💭 Thinking…');
});
