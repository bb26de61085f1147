import type { CapacityRamp } from '../lib/results';
import { fmt, line, niceTicks, palette, polyline, svgDocument, text } from './svg';

export interface RampSeries {
  label: string;
  ramp: CapacityRamp;
  /** A recorded run (before the changes), drawn dashed. */
  recorded?: boolean;
}

const width = 860;
const panelHeight = 250;
const margin = { left: 70, right: 30, top: 44, gap: 60, bottom: 50 };

/**
 * The capacity ramps in two panels sharing the concurrency axis: tool dispatch p99 (log scale, with the
 * 250 ms limit) and the CPU the worker and the dev server used (percent of one core), each system in its
 * colour; the dev server dotted, a recorded ramp dashed.
 */
export function capacitySvg(series: readonly RampSeries[], limitMs: number): string {
  const plotW = width - margin.left - margin.right;
  const points = series.map((s) => ({ ...s, steps: [...s.ramp.steps].sort((a, b) => a.concurrent - b.concurrent) }));
  const maxX = Math.max(10, ...points.flatMap((s) => s.steps.map((step) => step.concurrent)));
  const xTicks = niceTicks(maxX, 8);
  const x = (concurrent: number): number => margin.left + (concurrent / xTicks[xTicks.length - 1]) * plotW;

  const top = margin.top;
  const dispatchValues = points.flatMap((s) => s.steps.map((step) => step.dispatchP99Ms)).filter((v) => v > 0);
  const minDecade = Math.floor(Math.log10(Math.max(1, Math.min(limitMs / 10, ...dispatchValues))));
  const maxDecade = Math.ceil(Math.log10(Math.max(limitMs * 2, ...dispatchValues)));
  const yDispatch = (ms: number): number => top + panelHeight - ((Math.log10(Math.max(ms, 10 ** minDecade)) - minDecade) / (maxDecade - minDecade)) * panelHeight;

  const cpuTop = top + panelHeight + margin.gap;
  const cpuValues = points.flatMap((s) => s.steps.flatMap((step) => [step.workerCpuPercent, step.devServerCpuPercent]));
  const cpuTicks = niceTicks(Math.max(100, ...cpuValues), 5);
  const yCpu = (percent: number): number => cpuTop + panelHeight - (percent / cpuTicks[cpuTicks.length - 1]) * panelHeight;

  const legendTop = cpuTop + panelHeight + margin.bottom;
  const height = legendTop + Math.ceil(points.length / 2) * 16 + 30;
  const body: string[] = [text(10, 22, 'Capacity ramp, realistic scenario: tool dispatch p99 and CPU against concurrent generations', { 'font-size': 14, 'font-weight': 'bold' })];

  // Axes and grids.
  for (const value of xTicks) {
    for (const [y0, y1] of [
      [top, top + panelHeight],
      [cpuTop, cpuTop + panelHeight],
    ]) {
      body.push(line(x(value), y0, x(value), y1, { stroke: palette.grid }));
    }
    body.push(text(x(value), cpuTop + panelHeight + 16, String(value), { 'text-anchor': 'middle', 'font-size': 10 }));
  }
  body.push(text(margin.left + plotW / 2, cpuTop + panelHeight + 34, 'concurrent generations', { 'text-anchor': 'middle' }));
  for (let decade = minDecade; decade <= maxDecade; decade++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** decade;
      if (value > 10 ** maxDecade) continue;
      body.push(line(margin.left, yDispatch(value), margin.left + plotW, yDispatch(value), { stroke: palette.grid }));
      body.push(text(margin.left - 6, yDispatch(value) + 4, `${value} ms`, { 'text-anchor': 'end', 'font-size': 10 }));
    }
  }
  for (const value of cpuTicks) {
    body.push(line(margin.left, yCpu(value), margin.left + plotW, yCpu(value), { stroke: palette.grid }));
    body.push(text(margin.left - 6, yCpu(value) + 4, `${value} %`, { 'text-anchor': 'end', 'font-size': 10 }));
  }
  body.push(
    text(margin.left, top - 8, 'tool dispatch p99 (log scale)', { 'font-size': 11, 'font-weight': 'bold' }),
    text(margin.left, cpuTop - 8, 'CPU, percent of one core (solid: worker process; dotted: Temporal dev server)', { 'font-size': 11, 'font-weight': 'bold' }),
    line(margin.left, top, margin.left, top + panelHeight),
    line(margin.left, top + panelHeight, margin.left + plotW, top + panelHeight),
    line(margin.left, cpuTop, margin.left, cpuTop + panelHeight),
    line(margin.left, cpuTop + panelHeight, margin.left + plotW, cpuTop + panelHeight),
    line(margin.left, yDispatch(limitMs), margin.left + plotW, yDispatch(limitMs), { stroke: palette.end, 'stroke-dasharray': '5 4' }),
    text(margin.left + plotW - 4, yDispatch(limitMs) - 4, `limit ${limitMs} ms`, { fill: palette.end, 'font-size': 10, 'text-anchor': 'end' }),
  );

  points.forEach((s, i) => {
    const color = s.recorded ? palette.axis : palette.series[i % palette.series.length];
    const dash: Record<string, string> = s.recorded ? { 'stroke-dasharray': '6 3' } : {};
    const dispatch = s.steps.map((step): [number, number] => [x(step.concurrent), yDispatch(step.dispatchP99Ms)]);
    body.push(polyline(dispatch, color, dash));
    for (const step of s.steps) {
      const cx = x(step.concurrent);
      const cy = yDispatch(step.dispatchP99Ms);
      // A passing step is a filled dot, a failing one a hollow ring.
      body.push(`<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="3.5" fill="${step.passed ? color : '#ffffff'}" stroke="${color}" stroke-width="1.5"><title>${step.concurrent}: p99 ${step.dispatchP99Ms} ms${step.passed ? '' : ' (failed)'}</title></circle>`);
    }
    body.push(polyline(s.steps.map((step): [number, number] => [x(step.concurrent), yCpu(step.workerCpuPercent)]), color, dash));
    if (s.steps.some((step) => step.devServerCpuPercent > 0)) {
      body.push(polyline(s.steps.map((step): [number, number] => [x(step.concurrent), yCpu(step.devServerCpuPercent)]), color, { 'stroke-dasharray': '2 3', 'stroke-width': 1.5 }));
    }
    const lx = margin.left + (i % 2) * 400;
    const ly = legendTop + Math.floor(i / 2) * 16;
    body.push(
      line(lx, ly - 4, lx + 18, ly - 4, { stroke: color, 'stroke-width': 2, ...dash }),
      text(lx + 24, ly, `${s.label}: ${s.ramp.maxConcurrent} concurrent pass`, { 'font-size': 11 }),
    );
  });
  body.push(text(margin.left, height - 10, 'Filled dot: the step passed (all completed, p99 within the limit); ring: it failed. Steps were tried by doubling then bisection.', { 'font-size': 10 }));
  return svgDocument(width, height, body);
}
