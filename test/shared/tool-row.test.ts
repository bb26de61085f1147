import { formatToolRow, toolIcon } from '../../src/shared/tool-row';
import type { ToolState } from '../../src/shared/state';

const tool: ToolState = {
  id: 'toolu_1',
  name: 'write_file',
  input: { path: 'a.txt' },
  summary: 'write_file a.txt',
  iteration: 1,
  status: 'pending',
  attempts: 0,
  detectedAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  completedAt: null,
  resultPreview: null,
  error: null,
  awaitingDecisionUntil: null,
};
const now = Date.parse('2026-01-01T00:00:05.000Z');

test('one icon per status, the hand while a decision is awaited', () => {
  expect(toolIcon(tool)).toBe('⏰');
  expect(toolIcon({ ...tool, status: 'running' })).toBe('⏳');
  expect(toolIcon({ ...tool, status: 'completed' })).toBe('✅');
  expect(toolIcon({ ...tool, status: 'failed' })).toBe('❌');
  expect(toolIcon({ ...tool, status: 'interrupted' })).toBe('⛔');
  expect(toolIcon({ ...tool, status: 'failed', awaitingDecisionUntil: '2026-01-01T00:01:00.000Z' })).toBe('✋');
});

test('rows show summary, attempts past the first, duration and the error', () => {
  expect(formatToolRow(tool, now)).toBe('⏰ write_file a.txt');
  const running = { ...tool, status: 'running' as const, attempts: 1, startedAt: '2026-01-01T00:00:04.200Z' };
  expect(formatToolRow(running, now)).toBe('⏳ write_file a.txt · 800ms');
  const done = { ...running, status: 'completed' as const, completedAt: '2026-01-01T00:00:05.500Z' };
  expect(formatToolRow(done, now)).toBe('✅ write_file a.txt · 1.3s');
  const failed = { ...done, status: 'failed' as const, attempts: 3, error: 'boom\nstack', awaitingDecisionUntil: '2026-01-01T00:01:00.000Z' };
  expect(formatToolRow(failed, now)).toBe('✋ write_file a.txt · 3 attempts · 1.3s · boom · retry or skip toolu_1');
});

test('a tool awaiting approval shows the hand too', () => {
  expect(toolIcon({ ...tool, status: 'awaiting_approval' as ToolState['status'] })).toBe('✋');
});
