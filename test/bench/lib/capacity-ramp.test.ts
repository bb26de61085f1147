import { runCapacityRamp } from '../../../bench/lib/capacity-ramp';
import type { LoadScenarios, LoadTarget } from '../../../bench/lib/load-target';
import { realisticDefaults, realisticToolCalls } from '../../../bench/lib/realistic-scenario';

const scenarios: LoadScenarios = {
  stress: { tokensPerSecond: 50, streamMs: 1000, toolEveryMs: 500, toolMs: 10 },
  realistic: { ...realisticDefaults, iterations: 2, meanToolGapMs: 10, finalTurnMs: 10 },
};

/** A system whose dispatch p99 is 100 ms up to `capacity` concurrent generations and 1 s beyond. */
function fakeTarget(capacity: number, tried: number[]): LoadTarget {
  return {
    label: 'fake',
    workerPid: process.pid,
    devServerPid: undefined,
    dispatchFrom: 'nowhere',
    async runBatch(_scenario, count) {
      tried.push(count);
      const calls = count * realisticToolCalls(scenarios.realistic);
      const dispatchMs = Array.from({ length: calls }, () => (count <= capacity ? 100 : 1000));
      return { generations: Array.from({ length: count }, () => ({ ok: true, durationMs: 1000 })), dispatchMs, fromBlockStopMs: dispatchMs };
    },
    close: async () => undefined,
  };
}

const options = { scenario: 'realistic' as const, dispatchP99LimitMs: 250, staggerMs: 0, start: 10, max: 640, resolution: 0.15, budgetMs: 60_000 };

test('the ramp doubles while steps pass, then bisects to within its resolution', async () => {
  const tried: number[] = [];
  const result = await runCapacityRamp(fakeTarget(100, tried), scenarios, options, () => undefined);
  expect(tried.slice(0, 5)).toEqual([10, 20, 40, 80, 160]);
  expect(result.maxConcurrent).toBeLessThanOrEqual(100);
  expect(result.maxConcurrent).toBeGreaterThanOrEqual(87);
  expect(result.firstFailed! - result.maxConcurrent).toBeLessThanOrEqual(Math.max(1, Math.round(result.maxConcurrent * 0.15)));
  expect(result.ended).toBe('resolved');
});

test('a system failing its first step has a capacity below it, found by bisection', async () => {
  const tried: number[] = [];
  const result = await runCapacityRamp(fakeTarget(3, tried), scenarios, options, () => undefined);
  expect(tried[0]).toBe(10);
  expect(result.maxConcurrent).toBe(3);
});

test('the ramp stops at its maximum, and a step with a generation not completed fails', async () => {
  const tried: number[] = [];
  expect(await runCapacityRamp(fakeTarget(10_000, tried), scenarios, { ...options, max: 40 }, () => undefined)).toMatchObject({ maxConcurrent: 40, ended: 'max reached' });
  const failing = fakeTarget(10_000, []);
  const incomplete: LoadTarget = {
    ...failing,
    async runBatch(scenario, count, batch) {
      const result = await failing.runBatch(scenario, count, batch);
      return { ...result, generations: result.generations.map((generation, i) => ({ ...generation, ok: i > 0 || count <= 20 })) };
    },
  };
  expect(await runCapacityRamp(incomplete, scenarios, options, () => undefined)).toMatchObject({ maxConcurrent: 20 });
});
