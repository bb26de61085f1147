import type { LiveView } from '../shared/live-view';
import { describeActivity, formatStatusLine, statusFigures } from '../shared/status-line';
import { formatToolRow } from '../shared/tool-row';
import type { Renderer } from './renderer';

/**
 * For pipes and files: everything appended, nothing redrawn, no escape codes. Text flows as it
 * streams; tool changes, iteration ends and the outcome are lines of their own.
 */
export function plainRenderer(write: (text: string) => void, now: () => number = Date.now): Renderer {
  let atLineStart = true;
  let lastLine = '';
  const out = (text: string): void => {
    if (text === '') return;
    write(text);
    atLineStart = text.endsWith('\n');
  };
  const line = (text: string): void => {
    out(`${atLineStart ? '' : '\n'}${text}\n`);
    lastLine = text;
  };

  return {
    show(view, item) {
      if (item.kind === 'snapshot') {
        line(`(joined late: the text so far is the last ${view.text.length} characters the server keeps)`);
        out(view.text);
        return;
      }
      const { event } = item;
      const tool = 'toolUseId' in event ? view.state.tools.find((candidate) => candidate.id === event.toolUseId) : undefined;
      switch (event.type) {
        case 'thinking.delta':
          // Thinking is set apart: each of its pieces is a line of its own, prefixed.
          for (const piece of event.text.split('\n')) if (piece.trim() !== '') line(`💭 ${piece}`);
          break;
        case 'text.delta':
          out(event.text);
          lastLine = '';
          break;
        case 'attempt.superseded':
          line(`(the model's attempt ${event.attempt} broke off: drop its text of iteration ${event.iteration})`);
          break;
        case 'tool.detected':
        case 'tool.started':
        case 'tool.completed':
        case 'tool.failed':
        case 'tool.interrupted':
        case 'tool.awaiting_decision':
        case 'tool.decided':
        case 'tool.awaiting_approval':
        case 'tool.approved':
        case 'tool.denied':
        case 'tool.cancelled':
          if (tool) line(formatToolRow(tool, now()));
          break;
        case 'iteration.completed':
          line(formatStatusLine(statusFigures(view.state, now())));
          break;
        case 'generation.blocked':
          line(`blocked: ${event.error} (resume by ${event.until})`);
          break;
        case 'message.received':
          line(`> ${event.text}`);
          break;
        case 'activity.changed': {
          const doing = describeActivity(event.activity);
          if (doing.startsWith('💭')) line(doing);
          break;
        }
        default:
          break;
      }
    },
    stop(view, note) {
      const status = formatStatusLine(statusFigures(view.state, now()));
      if (status !== lastLine) line(status);
      line(note ?? outcome(view));
    },
  };
}

export function outcome(view: LiveView): string {
  const { status, error, stopReason } = view.state;
  if (status === 'failed') return `failed: ${error ?? 'unknown error'}`;
  if (status === 'completed') return `completed (${stopReason ?? 'done'})`;
  return status;
}
