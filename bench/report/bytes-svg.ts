import type { HistoryAtScale } from '../lib/results';
import { fmt, line, palette, polyline, svgDocument, text } from './svg';

export interface BytesSeries {
  label: string;
  /** [iteration, bytes]; a zero is drawn at the axis floor. */
  points: readonly [number, number][];
  color: string;
  dash?: string;
}

export interface BytesLimit {
  bytes: number;
  label: string;
}

export interface IterationMarker {
  iteration: number;
  label: string;
}

const width = 860;
const height = 440;
const margin = { left: 72, right: 30, top: 40, bottom: 70 };

/**
 * Bytes per iteration on a log axis: a flat line of tens of KB and one growing to MBs fit in one
 * picture, and "flat" reads as flat. Dashed horizontals are limits; a vertical marks where a run broke.
 */
export function bytesPerIterationSvg(title: string, series: readonly BytesSeries[], limits: readonly BytesLimit[], markers: readonly IterationMarker[], note?: string): string {
  const values = series.flatMap((s) => s.points.map(([, bytes]) => bytes)).filter((v) => v > 0);
  const all = [...values, ...limits.map((l) => l.bytes)];
  const minDecade = Math.floor(Math.log10(Math.max(1, Math.min(...(all.length > 0 ? all : [1_000])))));
  const maxDecade = Math.log10(Math.max(10 ** (minDecade + 1), ...all) * 1.4);
  const lastIteration = Math.max(10, ...series.flatMap((s) => s.points.map(([it]) => it)), ...markers.map((m) => m.iteration));
  const legendRows = Math.ceil(series.length / 2) + (note ? 1 : 0);
  const svgHeight = height + legendRows * 16;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (iteration: number): number => margin.left + ((iteration - 1) / Math.max(1, lastIteration - 1)) * plotW;
  const y = (bytes: number): number => margin.top + (1 - (Math.log10(Math.max(bytes, 10 ** minDecade)) - minDecade) / (maxDecade - minDecade)) * plotH;
  const body: string[] = [text(10, 22, title, { 'font-size': 14, 'font-weight': 'bold' })];

  for (let decade = minDecade; decade <= Math.ceil(maxDecade); decade++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** decade;
      if (value > 10 ** maxDecade) continue;
      body.push(line(margin.left, y(value), margin.left + plotW, y(value), { stroke: palette.grid }));
      body.push(text(margin.left - 6, y(value) + 4, formatBytes(value), { 'text-anchor': 'end', 'font-size': 10 }));
    }
  }
  for (const tick of iterationTicks(lastIteration)) {
    body.push(line(x(tick), margin.top + plotH, x(tick), margin.top + plotH + 4));
    body.push(text(x(tick), margin.top + plotH + 16, String(tick), { 'text-anchor': 'middle', 'font-size': 10 }));
  }
  body.push(line(margin.left, margin.top + plotH, margin.left + plotW, margin.top + plotH), line(margin.left, margin.top, margin.left, margin.top + plotH));
  body.push(text(margin.left + plotW / 2, margin.top + plotH + 34, 'iteration', { 'text-anchor': 'middle' }));
  body.push(text(14, margin.top + plotH / 2, 'bytes per iteration (log)', { 'text-anchor': 'middle', transform: `rotate(-90 14 ${fmt(margin.top + plotH / 2)})` }));
  for (const limit of limits) {
    body.push(line(margin.left, y(limit.bytes), margin.left + plotW, y(limit.bytes), { stroke: palette.end, 'stroke-dasharray': '5 4' }));
    body.push(text(margin.left + plotW - 4, y(limit.bytes) - 4, limit.label, { fill: palette.end, 'font-size': 10, 'text-anchor': 'end' }));
  }
  markers.forEach((marker, i) => {
    body.push(line(x(marker.iteration), margin.top, x(marker.iteration), margin.top + plotH, { stroke: palette.axis, 'stroke-dasharray': '2 3' }));
    // A label right of a marker in the right half would run off the picture: it goes left of it there.
    const right = x(marker.iteration) > margin.left + plotW / 2;
    body.push(text(x(marker.iteration) + (right ? -4 : 4), margin.top + 12 + i * 13, marker.label, { 'font-size': 10, ...(right ? { 'text-anchor': 'end' } : {}) }));
  });
  for (const s of series) {
    const points = s.points.map(([it, bytes]) => [x(it), y(bytes)] as [number, number]);
    if (points.length === 1) body.push(`<circle cx="${fmt(points[0][0])}" cy="${fmt(points[0][1])}" r="3" fill="${s.color}"/>`);
    else if (points.length > 1) body.push(polyline(points, s.color, s.dash ? { 'stroke-dasharray': s.dash } : {}));
  }
  series.forEach((s, i) => {
    const lx = margin.left + (i % 2) * (plotW / 2);
    const ly = height - 10 + Math.floor(i / 2) * 16;
    body.push(line(lx, ly - 4, lx + 24, ly - 4, { stroke: s.color, 'stroke-width': 2, ...(s.dash ? { 'stroke-dasharray': s.dash } : {}) }));
    body.push(text(lx + 30, ly, s.label, { 'font-size': 11 }));
  });
  if (note) body.push(text(margin.left, height - 10 + Math.ceil(series.length / 2) * 16, note, { 'font-size': 11, 'font-style': 'italic' }));
  return svgDocument(width, svgHeight, body);
}

/** The picture of docs/PERFORMANCE.md for measure 7: the old design's recorded run beside the live one (either may be absent). */
export function historyAtScaleSvg(current: HistoryAtScale | undefined, old: { label: string; run: HistoryAtScale } | undefined): string {
  const series: BytesSeries[] = [];
  const markers: IterationMarker[] = [];
  const seriesOf = (run: HistoryAtScale, pick: (it: HistoryAtScale['iterations'][number]) => number): [number, number][] =>
    run.iterations.filter((it) => it.iteration <= run.iterationsCompleted).map((it) => [it.iteration, pick(it)]);
  const notes: string[] = [];
  if (current) {
    series.push({ label: 'history bytes per iteration', points: seriesOf(current, (it) => it.historyBytes), color: palette.series[0] });
    if (current.storeDir.existed) series.push({ label: 'stored bytes per iteration', points: seriesOf(current, (it) => it.storedBytes), color: palette.series[3], dash: '8 4' });
    series.push({ label: 'largest payload in the iteration', points: seriesOf(current, (it) => it.largestPayloadBytes), color: palette.series[0], dash: '2 3' });
  } else {
    notes.push('current design: not measured in this run');
  }
  if (old) {
    const tag = (label: string): string => `${label} (${old.label})`;
    series.push({ label: tag('history bytes per iteration'), points: seriesOf(old.run, (it) => it.historyBytes), color: palette.series[1] });
    if (old.run.storeDir.existed) series.push({ label: tag('stored bytes per iteration'), points: seriesOf(old.run, (it) => it.storedBytes), color: palette.series[2], dash: '8 4' });
    series.push({ label: tag('largest payload'), points: seriesOf(old.run, (it) => it.largestPayloadBytes), color: palette.series[1], dash: '2 3' });
    if (old.run.iterationsCompleted < old.run.iterationsPlanned) {
      markers.push({ iteration: Math.max(1, old.run.iterationsCompleted), label: `${old.label}: stuck after iteration ${old.run.iterationsCompleted} of ${old.run.iterationsPlanned}` });
    }
  }
  const limits: BytesLimit[] = [
    { bytes: 2 * 1024 * 1024, label: "2 MiB: Temporal's payload limit" },
    { bytes: current?.payloadThresholdBytes ?? old?.run.payloadThresholdBytes ?? 128 * 1024, label: '128 KiB: largest payload target' },
  ];
  return bytesPerIterationSvg(
    'History and storage per iteration, one generation whose conversation grows ~200 KB an iteration',
    series,
    limits,
    markers,
    notes.length > 0 ? notes.join('; ') : undefined,
  );
}

function iterationTicks(last: number): number[] {
  const step = last <= 10 ? 1 : last <= 20 ? 2 : last <= 50 ? 5 : 10;
  const ticks = [1];
  for (let t = step; t <= last; t += step) if (t > 1) ticks.push(t);
  return ticks;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${trim(bytes / 1e9)} GB`;
  if (bytes >= 1e6) return `${trim(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${trim(bytes / 1e3)} KB`;
  return `${trim(bytes)} B`;
}

function trim(value: number): string {
  return String(Number(value.toPrecision(3)));
}
