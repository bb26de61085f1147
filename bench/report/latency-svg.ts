import { percentile } from '../lib/stats';
import { fmt, line, palette, polyline, svgDocument, text } from './svg';

export interface Series {
  label: string;
  values: readonly number[];
  dashed?: boolean;
}

export interface Marker {
  atMs: number;
  label: string;
}

const width = 860;
const height = 420;
const margin = { left: 60, right: 30, top: 40, bottom: 90 };

/**
 * Cumulative distributions on a log time axis: the in-process floor (fractions of a millisecond) and
 * Temporal's round trips (tens of milliseconds) fit in one picture. Dashed verticals mark targets.
 */
export function cdfSvg(title: string, series: readonly Series[], markers: readonly Marker[]): string {
  const floor = 0.01;
  const all = series.flatMap((s) => s.values);
  const maxMs = Math.max(10, ...all, ...markers.map((m) => m.atMs));
  const minDecade = Math.floor(Math.log10(Math.max(floor, Math.min(...all.filter((v) => v > 0), 1))));
  // The axis ends a little past the largest value, not at the next power of ten.
  const maxDecade = Math.log10(maxMs * 1.3);
  const legendRows = Math.ceil(series.length / 2);
  const svgHeight = height - 30 + legendRows * 16;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (ms: number): number => margin.left + ((Math.log10(Math.max(ms, 10 ** minDecade)) - minDecade) / (maxDecade - minDecade)) * plotW;
  const y = (fraction: number): number => margin.top + (1 - fraction) * plotH;
  const body: string[] = [text(10, 22, title, { 'font-size': 14, 'font-weight': 'bold' })];

  for (let decade = minDecade; decade <= Math.ceil(maxDecade); decade++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** decade;
      if (value > maxMs * 1.3) continue;
      body.push(line(x(value), margin.top, x(value), margin.top + plotH, { stroke: palette.grid }));
      body.push(text(x(value), margin.top + plotH + 16, `${formatMs(value)}`, { 'text-anchor': 'middle', 'font-size': 10 }));
    }
  }
  for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(line(margin.left, y(fraction), margin.left + plotW, y(fraction), { stroke: palette.grid }));
    body.push(text(margin.left - 6, y(fraction) + 4, `p${Math.round(fraction * 100)}`, { 'text-anchor': 'end', 'font-size': 10 }));
  }
  body.push(line(margin.left, y(0.99), margin.left + plotW, y(0.99), { stroke: palette.axis, 'stroke-dasharray': '2 3', 'stroke-width': 0.7 }));
  body.push(text(margin.left + plotW + 3, y(0.99) + 4, 'p99', { 'font-size': 9 }));
  body.push(line(margin.left, margin.top + plotH, margin.left + plotW, margin.top + plotH), line(margin.left, margin.top, margin.left, margin.top + plotH));
  body.push(text(margin.left + plotW / 2, margin.top + plotH + 34, 'milliseconds (log scale)', { 'text-anchor': 'middle' }));
  markers.forEach((marker, i) => {
    body.push(line(x(marker.atMs), margin.top, x(marker.atMs), margin.top + plotH, { stroke: palette.end, 'stroke-dasharray': '5 4' }));
    body.push(text(x(marker.atMs) + 3, margin.top + 12 + i * 13, marker.label, { fill: palette.end, 'font-size': 10 }));
  });
  series.forEach((s, i) => {
    const color = palette.series[i % palette.series.length];
    const sorted = [...s.values].sort((a, b) => a - b);
    const points: [number, number][] = [];
    sorted.forEach((value, k) => {
      points.push([x(value), y(k / sorted.length)], [x(value), y((k + 1) / sorted.length)]);
    });
    if (points.length > 0) body.push(polyline(points, color, s.dashed ? { 'stroke-dasharray': '6 3' } : {}));
    const lx = margin.left + (i % 2) * 400;
    const ly = height - 36 + Math.floor(i / 2) * 16;
    body.push(
      line(lx, ly - 4, lx + 18, ly - 4, { stroke: color, 'stroke-width': 2, ...(s.dashed ? { 'stroke-dasharray': '6 3' } : {}) }),
      text(lx + 24, ly, `${s.label}: p50 ${small(percentile(sorted, 50))}, p99 ${small(percentile(sorted, 99))} ms (n=${sorted.length})`, { 'font-size': 11 }),
    );
  });
  return svgDocument(width, svgHeight, body);
}

/** Samples are kept to 0.01 ms, so 0 means below that. */
function small(value: number): string {
  return value === 0 ? '< 0.01' : value < 1 ? String(value) : fmt(value);
}

function formatMs(value: number): string {
  return value >= 1 ? String(value) : value.toPrecision(1);
}
