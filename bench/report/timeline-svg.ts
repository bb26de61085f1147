import type { ReferenceTimeline } from '../lib/results';
import { fmt, line, niceTicks, palette, rect, svgDocument, text } from './svg';

const width = 960;
const left = 170;
const right = 70;
const rowHeight = 14;
const rowGap = 4;
const panelGap = 34;
const top = 40;

const modeTitles: Record<string, string> = {
  incremental: 'ours (incremental: tools start at their block stop)',
  'after-stream': 'baseline (b): after-stream (tools start when the stream ends)',
  'in-process': 'baseline (a): in-process loop, no Temporal (physical floor)',
};

/**
 * The reference scenario per mode, one panel each on a shared time axis (ms since the request): the
 * model's first stream, each tool's code running (in stream order, so rows line up across panels), the
 * final short turn, where the mode ended, and the ideal.
 */
export function timelineSvg(timelines: Record<string, ReferenceTimeline>, idealMs: number | undefined, timeScale: number): string {
  const modes = Object.keys(timelines);
  const maxMs = Math.max(1, idealMs ?? 0, ...modes.flatMap((mode) => timelineEnds(timelines[mode])));
  const ticks = niceTicks(maxMs / 1000, 10);
  const axisMax = ticks[ticks.length - 1] * 1000;
  const x = (ms: number): number => left + (Math.max(0, ms) / axisMax) * (width - left - right);
  const body: string[] = [];
  const scaleNote = timeScale === 1 ? '' : ` — quick run: time axis shrunk ×${timeScale}`;
  body.push(text(10, 20, `Reference scenario: 8 tools over one model stream, then the final turn${scaleNote}`, { 'font-size': 14, 'font-weight': 'bold' }));

  let y = top;
  for (const mode of modes) {
    const timeline = timelines[mode];
    const rows = 2 + timeline.tools.length;
    const panelHeight = rows * (rowHeight + rowGap);
    body.push(text(10, y + 2, modeTitles[mode] ?? mode, { 'font-weight': 'bold' }));
    const panelTop = y + 10;
    for (const tick of ticks) body.push(line(x(tick * 1000), panelTop, x(tick * 1000), panelTop + panelHeight, { stroke: palette.grid }));

    let row = panelTop;
    body.push(text(10, row + 11, 'model stream (turn 1)'));
    body.push(rect(x(timeline.streamStartMs), row, x(timeline.streamEndMs) - x(timeline.streamStartMs), rowHeight, palette.stream, spanTitle('stream', timeline.streamStartMs, timeline.streamEndMs)));
    row += rowHeight + rowGap;
    for (const tool of timeline.tools) {
      body.push(text(10, row + 11, tool.name));
      body.push(rect(x(tool.startMs), row, x(tool.endMs) - x(tool.startMs), rowHeight, palette.tool, spanTitle(tool.name, tool.startMs, tool.endMs)));
      row += rowHeight + rowGap;
    }
    if (timeline.finalTurn) {
      body.push(text(10, row + 11, 'final turn'));
      body.push(rect(x(timeline.finalTurn.startMs), row, x(timeline.finalTurn.endMs) - x(timeline.finalTurn.startMs), rowHeight, palette.finalTurn, spanTitle('final turn', timeline.finalTurn.startMs, timeline.finalTurn.endMs)));
    }
    if (idealMs !== undefined) body.push(line(x(idealMs), panelTop - 4, x(idealMs), panelTop + panelHeight, { stroke: palette.ideal, 'stroke-dasharray': '4 3', 'stroke-width': 1.5 }));
    if (timeline.endMs !== undefined) {
      body.push(line(x(timeline.endMs), panelTop - 4, x(timeline.endMs), panelTop + panelHeight, { stroke: palette.end, 'stroke-width': 2 }));
      body.push(text(x(timeline.endMs) + 4, panelTop + panelHeight - 2, `${seconds(timeline.endMs)} s`, { fill: palette.end, 'font-weight': 'bold' }));
    }
    y = panelTop + panelHeight + panelGap;
  }

  const axisY = y - panelGap + 6;
  body.push(line(left, axisY, width - right, axisY));
  for (const tick of ticks) body.push(text(x(tick * 1000), axisY + 15, `${tick} s`, { 'text-anchor': 'middle' }));
  const legendY = axisY + 36;
  const legend: [string, string][] = [
    [palette.stream, 'model stream'],
    [palette.tool, 'tool code running'],
    [palette.finalTurn, 'final model turn'],
    [palette.end, 'generation finished'],
    [palette.ideal, `ideal (${seconds(idealMs ?? 0)} s)`],
  ];
  legend.forEach(([color, label], i) => {
    const lx = left + i * 150;
    body.push(rect(lx, legendY - 10, 14, 10, color), text(lx + 18, legendY, label));
  });
  return svgDocument(width, legendY + 14, body);
}

function timelineEnds(timeline: ReferenceTimeline): number[] {
  return [timeline.streamEndMs, timeline.endMs ?? 0, timeline.finalTurn?.endMs ?? 0, ...timeline.tools.map((tool) => tool.endMs)];
}

function spanTitle(name: string, startMs: number, endMs: number): string {
  return `${name}: ${fmt(startMs)} → ${fmt(endMs)} ms`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
