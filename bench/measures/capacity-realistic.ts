import { runCapacityRamp, type RampOptions, type RampResult } from '../lib/capacity-ramp';
import type { LoadScenarios, LoadTarget } from '../lib/load-target';
import type { LoadStep } from '../lib/load-step';
import { LoadSystem, loadSystemLabels, startLoadTarget, startScenarioModel } from '../lib/load-systems';
import type { BenchContext, BenchResults, CapacityRamp, CapacityRampStep } from '../lib/results';
import type { BenchTemporal } from '../lib/stack';
import { cpuCostOptions } from './cpu-cost';
import { extraStackEnv } from './stack-env';

/**
 * Measure 6 (issue 13): how many concurrent generations of the realistic scenario one system holds with
 * every generation completing and tool dispatch p99 ≤ 250 ms: ours (one worker process), baseline (c)
 * on the same scenario, and `npm start`. Doubling from `start`, then bisection, within a time budget.
 */
export interface CapacityRampPlan {
  scenarios: LoadScenarios;
  ramp: RampOptions;
}

export function capacityRampPlan(system: LoadSystem, quick: boolean): CapacityRampPlan {
  const { scenarios } = cpuCostOptions(quick);
  const base = { scenario: 'realistic' as const, dispatchP99LimitMs: 250, resolution: 0.15 };
  if (quick) return { scenarios, ramp: { ...base, start: 4, max: 8, staggerMs: 500, budgetMs: 12_000 } };
  // Each full step is a ~30 s generation plus a 3 s spread of starts; a budget keeps one locked run under ~8 min.
  const start = system === LoadSystem.ours ? 20 : 10;
  return { scenarios, ramp: { ...base, start, max: 640, staggerMs: 3000, budgetMs: 6 * 60_000 } };
}

async function rampOf(system: LoadSystem, temporal: BenchTemporal, ctx: BenchContext): Promise<CapacityRamp> {
  const plan = capacityRampPlan(system, ctx.quick);
  const measuredAt = new Date().toISOString();
  const model = await startScenarioModel(plan.scenarios);
  let target: LoadTarget | undefined;
  try {
    target = await startLoadTarget(system, temporal, model.url, system === LoadSystem.ours ? extraStackEnv() : {});
    const result = await runCapacityRamp(target, plan.scenarios, { ...plan.ramp, modelPid: model.child.pid }, (message) => ctx.log(`capacity: ${message}`));
    return { measuredAt, ...toReport(loadSystemLabels[system], target.dispatchFrom, plan, result) };
  } finally {
    await target?.close();
    await model.child.stop();
  }
}

function toReport(system: string, dispatchFrom: string, plan: CapacityRampPlan, result: RampResult): CapacityRamp {
  return {
    system,
    scenario: plan.ramp.scenario,
    maxConcurrent: result.maxConcurrent,
    ...(result.firstFailed === undefined ? {} : { firstFailed: result.firstFailed }),
    ended: result.ended,
    dispatchP99LimitMs: plan.ramp.dispatchP99LimitMs,
    dispatchFrom,
    steps: result.steps.map(stepReport),
    wallMs: result.wallMs,
  };
}

function stepReport(step: LoadStep): CapacityRampStep {
  return {
    concurrent: step.concurrent,
    passed: step.passed,
    failedGenerations: step.failedGenerations,
    dispatchP50Ms: step.dispatchP50Ms,
    dispatchP99Ms: step.dispatchP99Ms,
    dispatchSamples: step.dispatchSamples,
    expectedSamples: step.expectedSamples,
    fromBlockStopP99Ms: step.fromBlockStopP99Ms,
    workerCpuPercent: step.cpuPercent.worker,
    devServerCpuPercent: step.cpuPercent.devServer,
    otherLoadPercent: step.cpuPercent.others,
    workerCpuMsPerGenerationSecond: step.perGenerationSecond.workerCpuMs,
    devServerCpuMsPerGenerationSecond: step.perGenerationSecond.devServerCpuMs,
    rssMB: step.workerRssMB.peak,
    rssBeforeMB: step.workerRssMB.before,
    wallSeconds: step.wallSeconds,
  };
}

/** Ours: fills the results' `capacity` part (its contract keys from the best step, the ramp beside them). */
export async function measureCapacity(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const ramp = await rampOf(LoadSystem.ours, temporal, ctx);
  const plan = capacityRampPlan(LoadSystem.ours, ctx.quick);
  const best = ramp.steps.filter((step) => step.passed).sort((a, b) => b.concurrent - a.concurrent)[0];
  const reported = best ?? ramp.steps[0];
  return {
    capacity: {
      maxConcurrent: ramp.maxConcurrent,
      rssPerGenerationMB: reported ? Math.round(((reported.rssMB - reported.rssBeforeMB) / reported.concurrent) * 100) / 100 : Number.NaN,
      tokensPerSecond: plan.scenarios.realistic.tokensPerSecond,
      dispatchP99Ms: reported?.dispatchP99Ms ?? Number.NaN,
      tried: ramp.steps.map((step) => ({ concurrent: step.concurrent, dispatchP99Ms: step.dispatchP99Ms, rssMB: step.rssMB })),
      ramp,
    },
    settings: { capacity: rampSettings(plan) },
  };
}

export async function measureCapacityWorkflowStreams(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  if (ctx.quick) return fullRunsOnly(ctx, 'capacity-workflow-streams');
  return { capacityWorkflowStreams: await rampOf(LoadSystem.workflowStreams, temporal, ctx), settings: { capacityWorkflowStreams: rampSettings(capacityRampPlan(LoadSystem.workflowStreams, false)) } };
}

export async function measureCapacityNpmStart(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  if (ctx.quick) return fullRunsOnly(ctx, 'capacity-npm-start');
  return { capacityNpmStart: await rampOf(LoadSystem.npmStart, temporal, ctx), settings: { capacityNpmStart: rampSettings(capacityRampPlan(LoadSystem.npmStart, false)) } };
}

function fullRunsOnly(ctx: BenchContext, name: string): Partial<BenchResults> {
  ctx.log(`${name}: full runs only (a ramp of ~30 s generations does not fit a quick run); skipped`);
  return {};
}

function rampSettings(plan: CapacityRampPlan): Record<string, string | number> {
  const { realistic } = plan.scenarios;
  return {
    scenario: `realistic: ${realistic.iterations} turns at ${realistic.tokensPerSecond} tokens/s, a tool call every ${realistic.meanToolGapMs / 1000} s ± ${realistic.jitter * 100} %`,
    ramp: `from ${plan.ramp.start}, doubling while steps pass, then bisection to within ${plan.ramp.resolution * 100} %, at most ${plan.ramp.max}, no new step after ${plan.ramp.budgetMs / 1000} s`,
    dispatchP99LimitMs: plan.ramp.dispatchP99LimitMs,
    startsSpreadOverMs: plan.ramp.staggerMs,
  };
}
