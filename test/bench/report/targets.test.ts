import { fanoutTargetFromSentP99Ms, resultRows, Verdict } from '../../../bench/report/targets';
import type { BenchResults, CapacityRamp, CpuCostBaseline } from '../../../bench/lib/results';

const summary = (p50: number, p99: number) => ({ p50, p95: p99, p99, samples: 100 });

function verdictOf(results: Partial<BenchResults>, measure: string): string {
  const row = resultRows(results).find((r) => r.measure.startsWith(measure));
  if (!row) throw new Error(`no row ${measure}`);
  return row.verdict;
}

test('dispatch latency is judged per level against its own target', () => {
  const results: Partial<BenchResults> = { dispatchLatencyMs: { '1': summary(14, 49), '10': summary(500, 900), '50': summary(100, 151) } };
  expect(verdictOf(results, '1. Dispatch latency, 1 ')).toBe(Verdict.pass);
  expect(verdictOf(results, '1. Dispatch latency, 10 ')).toBe(Verdict.reported);
  expect(verdictOf(results, '1. Dispatch latency, 50 ')).toBe(Verdict.miss);
  expect(verdictOf({ dispatchLatencyMs: { '1': summary(16, 20) } }, '1. Dispatch latency, 1 ')).toBe(Verdict.miss);
});

test('overlap passes at 1.05 × ideal and misses just above', () => {
  const reference = (incrementalMs: number) => ({ reference: { idealMs: 1000, incrementalMs, afterStreamMs: 1200, inProcessMs: 1001 } });
  expect(verdictOf(reference(1050), '2.')).toBe(Verdict.pass);
  expect(verdictOf(reference(1051), '2.')).toBe(Verdict.miss);
});

test('event delivery is judged from the batch leaving the activity when that was measured', () => {
  const fromFirstDelta = { ...summary(170, 300), batchMs: 100, pollMs: 100 };
  expect(verdictOf({ eventDeliveryMs: fromFirstDelta }, '3.')).toBe(Verdict.miss);
  expect(verdictOf({ eventDeliveryMs: { ...fromFirstDelta, fromBatchSent: summary(70, 200) } }, '3.')).toBe(Verdict.pass);
});

test('fan-out is judged on push delivery from the batch leaving the activity against the bypass-era bound', () => {
  const push = (p99: number, errors = 0): Partial<BenchResults> => ({
    sseFanout: {
      subscribers: 1000,
      errors,
      unfinished: 0,
      deliveryP50Ms: 80,
      deliveryP99Ms: p99,
      deliveryFromSentMs: summary(80, p99),
      deliveryFromFirstDeltaMs: summary(700, 1100),
      connectMs: summary(1000, 1500),
      eventsPerSubscriber: '56..56',
      maxQueriesInFlightPerGeneration: 1,
      queries: 400,
      queriesPerSec: 18,
      durationMs: 27000,
      clientProcesses: 2,
      serverCpuPercent: 35,
      serverLoopDelayP99Ms: 40,
      clientLoopDelayP99Ms: 25,
    },
  });
  expect(fanoutTargetFromSentP99Ms).toBe(269);
  expect(verdictOf(push(269), '5.')).toBe(Verdict.pass);
  expect(verdictOf(push(270), '5.')).toBe(Verdict.miss);
  expect(verdictOf(push(200, 1), '5.')).toBe(Verdict.miss);
});

test('a measure that failed, is missing or did not run is never a PASS', () => {
  const results: Partial<BenchResults> = {
    measures: [
      { name: 'sse-fanout', status: 'error', durationMs: 5, error: 'Error: boom\n    at somewhere' },
      { name: 'capacity', status: 'missing', durationMs: 0 },
    ],
  };
  const rows = resultRows(results);
  expect(rows.find((r) => r.measure.startsWith('5.'))).toMatchObject({ verdict: Verdict.error, result: 'the measure failed: Error: boom' });
  expect(verdictOf(results, '6.')).toBe(Verdict.missing);
  expect(verdictOf(results, '4.')).toBe(Verdict.notRun);
});

const ramp = (maxConcurrent: number, firstFailed?: number): CapacityRamp => ({
  system: 's',
  scenario: 'realistic',
  maxConcurrent,
  ...(firstFailed === undefined ? {} : { firstFailed }),
  ended: 'resolved',
  dispatchP99LimitMs: 250,
  dispatchFrom: 'x',
  wallMs: 1,
  steps: [maxConcurrent, ...(firstFailed === undefined ? [] : [firstFailed])].map((concurrent) => ({
    concurrent,
    passed: concurrent === maxConcurrent,
    failedGenerations: 0,
    dispatchP50Ms: 50,
    dispatchP99Ms: concurrent === maxConcurrent ? 200 : 400,
    dispatchSamples: 8,
    expectedSamples: 8,
    fromBlockStopP99Ms: 200,
    workerCpuPercent: 50,
    devServerCpuPercent: 50,
    workerCpuMsPerGenerationSecond: 10,
    devServerCpuMsPerGenerationSecond: 10,
    rssMB: 100,
    rssBeforeMB: 90,
    wallSeconds: 30,
  })),
});
const capacity = (maxConcurrent: number): Partial<BenchResults> => ({
  capacity: { maxConcurrent, rssPerGenerationMB: 1, tokensPerSecond: 50, dispatchP99Ms: 200, tried: [], ramp: ramp(maxConcurrent, maxConcurrent + 10) },
});

test('capacity needs 100 concurrent and 3 × the workflow-streams baseline when that was measured', () => {
  expect(verdictOf(capacity(100), '6. ')).toBe(Verdict.pass);
  expect(verdictOf(capacity(99), '6. ')).toBe(Verdict.miss);
  expect(verdictOf({ ...capacity(120), capacityWorkflowStreams: ramp(40, 45) }, '6. ')).toBe(Verdict.pass);
  expect(verdictOf({ ...capacity(120), capacityWorkflowStreams: ramp(41, 45) }, '6. ')).toBe(Verdict.miss);
  expect(verdictOf({ capacityNpmStart: ramp(50, 60) }, '6b.')).toBe(Verdict.pass);
  expect(verdictOf({ capacityNpmStart: ramp(49, 60) }, '6b.')).toBe(Verdict.miss);
});

test('worker CPU per generation-second is judged against the recorded cost before and against (c)', () => {
  const entry = (workerCpuMsPerGenerationSecond: number) => ({
    workerCpuMsPerGenerationSecond,
    devServerCpuMsPerGenerationSecond: 5,
    dispatchP50Ms: 1,
    dispatchP99Ms: 2,
    failedGenerations: 0,
    generationSeconds: 100,
    workerCpuPercent: 10,
    devServerCpuPercent: 10,
  });
  const cost = (ours: number, theirs: number): Partial<BenchResults> => ({
    cpuCost: { concurrent: 10, scenarios: { stress: { ours: entry(ours), workflowStreams: entry(theirs) }, realistic: { ours: entry(ours), workflowStreams: entry(theirs), inProcess: entry(1) } } },
  });
  const before: CpuCostBaseline = { label: 'before', recordedAt: '2026-12-01T16:00:00Z', commit: '94367e4', note: '', cpuCost: cost(40, 0).cpuCost! };
  const judged = (results: Partial<BenchResults>): string => resultRows(results, { costBefore: before }).find((row) => row.measure.startsWith('6c. Worker CPU per generation-second, realistic'))!.verdict;
  expect(judged(cost(10, 20))).toBe(Verdict.pass);
  expect(judged(cost(11, 40))).toBe(Verdict.miss);
  expect(judged(cost(10, 19))).toBe(Verdict.miss);
});
