import fs from 'node:fs';
import path from 'node:path';
import type { BenchResults, CpuCostBaseline, HistoryAtScaleBaseline } from '../lib/results';
import { historyAtScaleSvg } from './bytes-svg';
import { capacitySvg, type RampSeries } from './capacity-svg';
import { keptSection } from './keep-section';
import { cdfSvg, type Series } from './latency-svg';
import { renderPage, type PagePictures } from './render-page';
import { timelineSvg } from './timeline-svg';

export interface ReportPaths {
  page: string;
  /** Directory of the pictures; the page links them relative to itself. */
  pictures: string;
  /** Where the hand-written section comes from when `page` does not exist yet. */
  keepFallback?: string;
  /** The old design's recorded history-at-scale run (bench/baselines/old-design-history.json); skipped when absent. */
  oldHistoryBaseline?: string;
  /** cpu-cost and capacity as recorded before issue 13 (bench/baselines/cpu-cost-before-issue-13.json); skipped when absent. */
  costBaseline?: string;
}

/** Writes the pictures and the page; returns the files written. */
export function writeReport(results: Partial<BenchResults>, paths: ReportPaths): string[] {
  const kept = keptSection(readIfExists(paths.page) ?? (paths.keepFallback ? readIfExists(paths.keepFallback) : undefined));
  fs.mkdirSync(paths.pictures, { recursive: true });
  const written: string[] = [];
  const pictures: PagePictures = {};
  const link = (file: string): string => path.relative(path.dirname(paths.page), path.join(paths.pictures, file)).split(path.sep).join('/');
  const save = (file: string, svg: string): string => {
    const target = path.join(paths.pictures, file);
    fs.writeFileSync(target, svg);
    written.push(target);
    return link(file);
  };

  const ref = results.reference;
  if (ref?.timelines) pictures.timeline = save('reference-timeline.svg', timelineSvg(ref.timelines, ref.idealMs, ref.timeScale ?? 1));

  const samples = results.samples ?? {};
  const dispatchSeries: Series[] = [
    ...seriesFor(samples, 'dispatch.', (level) => `ours, ${level} concurrent`, false),
    ...seriesFor(samples, 'inProcessDispatch.', (level) => `(a) in-process, ${level} concurrent`, true),
  ];
  if (dispatchSeries.length > 0) {
    pictures.dispatch = save(
      'dispatch-latency.svg',
      cdfSvg('Dispatch latency: block stop seen → tool code starting (CDF)', dispatchSeries, [
        { atMs: 15, label: 'p50 target @1: 15 ms' },
        { atMs: 50, label: 'p99 @1: 50 ms' },
        { atMs: 150, label: 'p99 @50: 150 ms' },
      ]),
    );
  }
  const deliverySeries: Series[] = [
    ...(samples.eventDeliveryFromSent ? [{ label: 'polling, from the batch leaving the activity', values: samples.eventDeliveryFromSent }] : []),
    ...(samples.eventDelivery ? [{ label: "polling, from the batch's first delta", values: samples.eventDelivery, dashed: true }] : []),
    ...(samples.sseDeliveryFromSent ? [{ label: 'SSE, from the batch leaving the activity', values: samples.sseDeliveryFromSent }] : []),
    ...(samples.sseDelivery ? [{ label: "SSE, from the batch's first delta", values: samples.sseDelivery, dashed: true }] : []),
    ...(samples.sseFanoutDeliveryFromSent ? [{ label: 'SSE fan-out (every subscriber), from the batch leaving the activity', values: samples.sseFanoutDeliveryFromSent }] : []),
  ];
  if (deliverySeries.length > 0) {
    pictures.eventDelivery = save(
      'event-delivery.svg',
      cdfSvg('Event delivery: text batch → client has it (CDF; 100 ms batching; polling every 100 ms, or SSE)', deliverySeries, [
        { atMs: 100, label: 'SSE p50 target 100 ms' },
        { atMs: 150, label: 'polling p50 target 150 ms' },
        { atMs: 250, label: 'SSE p99 target 250 ms' },
        { atMs: 400, label: 'polling p99 target 400 ms' },
      ]),
    );
  }

  const oldHistoryText = paths.oldHistoryBaseline ? readIfExists(paths.oldHistoryBaseline) : undefined;
  const oldHistory = oldHistoryText === undefined ? undefined : (JSON.parse(oldHistoryText) as HistoryAtScaleBaseline);
  if (results.historyAtScale || oldHistory) {
    pictures.historyAtScale = save('history-at-scale.svg', historyAtScaleSvg(results.historyAtScale, oldHistory && { label: oldHistory.label, run: oldHistory.historyAtScale }));
  }

  const costBaselineText = paths.costBaseline ? readIfExists(paths.costBaseline) : undefined;
  const costBefore = costBaselineText === undefined ? undefined : (JSON.parse(costBaselineText) as CpuCostBaseline);
  const ramps: RampSeries[] = [
    ...(results.capacity?.ramp ? [{ label: 'ours, one worker process', ramp: results.capacity.ramp }] : []),
    ...(results.capacityWorkflowStreams ? [{ label: '(c) workflow-streams (dispatch from the turn end)', ramp: results.capacityWorkflowStreams }] : []),
    ...(results.capacityNpmStart ? [{ label: 'npm start (API + worker in one process)', ramp: results.capacityNpmStart }] : []),
    ...(costBefore?.capacity ? [{ label: `ours before (${costBefore.commit.slice(0, 7)}, recorded)`, ramp: costBefore.capacity, recorded: true }] : []),
  ];
  if (ramps.length > 0) pictures.capacity = save('capacity.svg', capacitySvg(ramps, ramps[0].ramp.dispatchP99LimitMs));

  fs.mkdirSync(path.dirname(paths.page), { recursive: true });
  fs.writeFileSync(paths.page, renderPage(results, pictures, kept, { oldHistory, costBefore }));
  written.push(paths.page);
  return written;
}

/** One series per concurrency level found under `prefix`, in numeric order. */
function seriesFor(samples: Record<string, number[]>, prefix: string, label: (level: string) => string, dashed: boolean): Series[] {
  return Object.keys(samples)
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length))
    .sort((a, b) => Number(a) - Number(b))
    .map((level) => ({ label: label(level), values: samples[prefix + level], dashed }));
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
