import { ToolStatus, type ToolState } from './state';

/** One icon per tool status; a tool waiting for a decision (retry/skip) or for approval shows the hand. */
export function toolIcon(tool: ToolState): string {
  if (tool.awaitingDecisionUntil !== null || tool.status === ToolStatus.awaitingApproval) return '✋';
  switch (tool.status) {
    case ToolStatus.pending:
      return '⏰';
    case ToolStatus.running:
      return '⏳';
    case ToolStatus.completed:
      return '✅';
    case ToolStatus.failed:
      return '❌';
    case ToolStatus.interrupted:
    case ToolStatus.cancelled:
      return '⛔';
    case ToolStatus.denied:
      return '🚫';
    default:
      return '•';
  }
}

/** Milliseconds from first start to completion, or to `nowMs` while it runs; null before it starts. */
export function toolDurationMs(tool: ToolState, nowMs: number): number | null {
  if (!tool.startedAt) return null;
  const end = tool.completedAt ? Date.parse(tool.completedAt) : nowMs;
  return Math.max(0, end - Date.parse(tool.startedAt));
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** `✅ write_file a.txt · 2 attempts · 1.3s`, plus the error of a failed one. */
export function formatToolRow(tool: ToolState, nowMs: number): string {
  const parts = [`${toolIcon(tool)} ${tool.summary || tool.name}`];
  if (tool.attempts > 1) parts.push(`${tool.attempts} attempts`);
  const duration = toolDurationMs(tool, nowMs);
  if (duration !== null) parts.push(formatDuration(duration));
  let row = parts.join(' · ');
  if (tool.error && tool.status !== ToolStatus.completed) row += ` · ${firstLine(tool.error)}`;
  if (tool.awaitingDecisionUntil !== null) row += ` · retry or skip ${tool.id}`;
  if (tool.status === ToolStatus.awaitingApproval) row += ` · approve or deny ${tool.id}`;
  return row;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
