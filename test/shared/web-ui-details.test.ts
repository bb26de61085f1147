import { defaultGenerationOptions, type GenerationInput } from '../../src/shared/generation';
import { generationStatusOfSearch, searchStatusOf, statusClause } from '../../src/shared/search-attributes';
import { initialState, type GenerationState, type ToolState } from '../../src/shared/state';
import { currentDetailsOf, maxDetailRows, staticDetailsOf, staticSummaryOf, webUiMetadata } from '../../src/shared/web-ui-details';

const tool = (overrides: Partial<ToolState>): ToolState => ({
  id: 'toolu_1',
  name: 'write_file',
  input: {},
  summary: 'write_file a.txt',
  iteration: 1,
  status: 'completed',
  attempts: 1,
  detectedAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: '2026-01-01T00:00:01.500Z',
  resultPreview: 'Wrote 3 bytes | to a.txt',
  error: null,
  awaitingDecisionUntil: null,
  ...overrides,
});

const input: GenerationInput = { generationId: 'g1', prompt: 'Build it', model: 'claude-x', maxIterations: 7, options: defaultGenerationOptions };

test('the summary is the first line of the prompt, cut near 100 characters; a follow-up says so', () => {
  expect(staticSummaryOf('  Build a calculator\nwith details')).toBe('Build a calculator');
  const long = staticSummaryOf('x'.repeat(300));
  expect(long).toHaveLength(100);
  expect(long.endsWith('…')).toBe(true);
  expect(webUiMetadata(input, 'and dark mode').staticSummary).toBe('follow-up: and dark mode');
});

test('static details name the model, the limits and the tool policy', () => {
  const details = staticDetailsOf({ ...input, options: { ...defaultGenerationOptions, toolDecisionTimeoutMs: 60_000 } });
  expect(details).toContain('| model | `claude-x` |');
  expect(details).toContain('| max iterations | 7 |');
  expect(details).toContain('| on tool failure | ask (waits 60.0s for retry/skip) |');
  expect(details).toContain('| tool attempts | 3 (backoff 500 ms ×2 up to 10000 ms) |');
});

test('current details: status, figures, and a row per tool with its icon; table cells escaped', () => {
  const state: GenerationState = {
    ...initialState,
    generationId: 'g1',
    startedAt: '2026-01-01T00:00:00.000Z',
    iteration: 2,
    costUsd: 0.0123,
    tools: [tool({}), tool({ id: 'toolu_2', status: 'failed', error: 'boom\nstack', summary: 'fail k', attempts: 3 })],
  };
  const details = currentDetailsOf(state, Date.parse('2026-01-01T00:00:05.000Z'));
  expect(details.split('\n')[0]).toBe('**running** · ⏱ 5s | Iteration 2 | Tokens: 0 | Cost: $0.0123');
  expect(details).toContain('| ✅ | write_file a.txt | 1 | 1 | 1.5s | Wrote 3 bytes \\| to a.txt |');
  expect(details).toContain('| ❌ | fail k | 1 | 3 | 1.5s | boom |');

  const many = { ...state, tools: Array.from({ length: maxDetailRows + 5 }, (_, i) => tool({ id: `t${i}`, summary: `tool ${i}` })) };
  const table = currentDetailsOf(many, Date.now());
  expect(table).toContain('… 5 earlier tools');
  expect(table).not.toContain('| tool 4 |');
  expect(table).toContain(`| tool ${maxDetailRows + 4} |`);
});

test('ToolstreamStatus tells a decision wait apart, and the API status maps onto it both ways', () => {
  expect(searchStatusOf({ ...initialState, status: 'blocked' })).toBe('blocked');
  expect(searchStatusOf({ ...initialState, status: 'waiting', tools: [tool({ status: 'failed', awaitingDecisionUntil: '2026-01-02T00:00:00.000Z' })] })).toBe(
    'awaiting_decision',
  );
  expect(searchStatusOf({ ...initialState, status: 'waiting' })).toBe('waiting');
  expect(statusClause('waiting')).toBe("ToolstreamStatus IN ('waiting', 'awaiting_decision')");
  expect(statusClause('blocked')).toBe("ToolstreamStatus = 'blocked'");
  expect(generationStatusOfSearch('awaiting_decision')).toBe('waiting');
  expect(generationStatusOfSearch('completed')).toBe('completed');
});
