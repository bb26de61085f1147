import { resultRows, Verdict } from '../../../bench/report/targets';
import type { BenchResults } from '../../../bench/lib/results';

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

test('a measure that failed, is missing or did not run is never a PASS', () => {
  const results: Partial<BenchResults> = {
    measures: [
      { name: 'fanout', status: 'error', durationMs: 5, error: 'Error: boom\n    at somewhere' },
      { name: 'capacity', status: 'missing', durationMs: 0 },
    ],
  };
  const rows = resultRows(results);
  expect(rows.find((r) => r.measure.startsWith('5.'))).toMatchObject({ verdict: Verdict.error, result: 'the measure failed: Error: boom' });
  expect(verdictOf(results, '6.')).toBe(Verdict.missing);
  expect(verdictOf(results, '4.')).toBe(Verdict.notRun);
});
