import { describeActivity, formatStatusLine, statusFigures } from '../../src/shared/status-line';
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
