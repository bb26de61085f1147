import { createLogUpdate } from 'log-update';
import { createColors } from 'picocolors';
import type { LiveView } from '../shared/live-view';
import { ToolStatus, type ToolState } from '../shared/state';
import { describeActivity, formatStatusLine, statusFigures } from '../shared/status-line';
import { formatToolRow } from '../shared/tool-row';
import { outcome } from './plain-renderer';
import type { Renderer } from './renderer';

const redrawEveryMs = 100;

function settled(tool: ToolState): boolean {
  const finished: ToolStatus[] = [ToolStatus.completed, ToolStatus.failed, ToolStatus.interrupted, ToolStatus.denied, ToolStatus.cancelled];
  return tool.awaitingDecisionUntil === null && finished.includes(tool.status);
}

/**
 * For a terminal: finished lines of text and settled tool rows scroll above; at the bottom, redrawn at
 * most 10 times a second (log-update), the line being written, the tools still going, the status line
 * and what the AI is doing. Colours unless NO_COLOR is set.
 */
export function ttyRenderer(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Renderer {
  const colors = createColors(!('NO_COLOR' in env) || env.NO_COLOR === '');
  const region = createLogUpdate(stream, { showCursor: true });
  let printed = 0;
  const printedTools = new Set<string>();
  let latest: LiveView | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ticker = setInterval(() => schedule(), 1000);

  const print = (text: string): void => {
    region.clear();
    stream.write(text);
  };

  function draw(): void {
    timer = undefined;
    const view = latest;
    if (!view) return;
    if (view.text.length < printed) printed = view.text.length;
    const cut = view.text.lastIndexOf('\n') + 1;
    if (cut > printed) {
      print(view.text.slice(printed, cut));
      printed = cut;
    }
    const now = Date.now();
    for (const tool of view.state.tools) {
      if (settled(tool) && !printedTools.has(tool.id)) {
        printedTools.add(tool.id);
        const row = formatToolRow(tool, now);
        print(`${tool.status === ToolStatus.completed ? colors.green(row) : colors.red(row)}\n`);
      }
    }
    const lines: string[] = [];
    const partial = view.text.slice(printed);
    if (partial) lines.push(partial);
    for (const tool of view.state.tools) if (!printedTools.has(tool.id)) lines.push(colors.yellow(formatToolRow(tool, now)));
    lines.push(colors.bold(formatStatusLine(statusFigures(view.state, now))));
    const doing = describeActivity(view.state.activity);
    // While the model thinks, the last line of its thinking shows, dimmed, above what it is doing.
    const thinking = view.state.activity.kind === 'thinking' ? lastLineOf(view.state.thinking ?? '') : '';
    if (thinking) lines.push(colors.dim(`💭 ${thinking.slice(-110)}`));
    if (doing) lines.push(colors.dim(doing));
    region(lines.join('\n'));
  }

  function schedule(): void {
    timer ??= setTimeout(draw, redrawEveryMs);
  }

  return {
    show(view) {
      latest = view;
      schedule();
    },
    stop(view, note) {
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
      latest = view;
      draw();
      region.done();
      const text = note ?? outcome(view);
      stream.write(`${view.state.status === 'completed' ? colors.green(text) : colors.red(text)}\n`);
    },
  };
}

function lastLineOf(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines[lines.length - 1] ?? '';
}
