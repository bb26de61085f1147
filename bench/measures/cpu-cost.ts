import type { LoadScenarioName, LoadScenarios } from '../lib/load-target';
import { describeStep, runLoadStep, type LoadStep } from '../lib/load-step';
import { LoadSystem, loadSystemLabels, startLoadTarget, startScenarioModel } from '../lib/load-systems';
import { realisticDefaults } from '../lib/realistic-scenario';
import type { BenchContext, BenchResults, CpuCost } from '../lib/results';
import type { BenchTemporal } from '../lib/stack';
import { capacityOptions } from './capacity';
import { extraStackEnv } from './stack-env';

/** Systems compared, in the order they run: each alone on the machine while it runs. */
const systems = [LoadSystem.ours, LoadSystem.workflowStreams, LoadSystem.inProcess] as const;
const scenarioNames: LoadScenarioName[] = ['stress', 'realistic'];

export interface CpuCostOptions {
  concurrent: number;
  staggerMs: number;
  scenarios: LoadScenarios;
}

export function cpuCostOptions(quick: boolean): CpuCostOptions {
  if (quick) {
    return {
      // A smoke run: every system and scenario once, small, within ~40 s of the quick bench.
      concurrent: 4,
      staggerMs: 500,
      scenarios: {
        stress: { ...capacityOptions(false).scenario, streamMs: 3000, toolEveryMs: 1000 },
        realistic: { ...realisticDefaults, iterations: 2, meanToolGapMs: 800, finalTurnMs: 500 },
      },
    };
  }
  return { concurrent: 10, staggerMs: 3000, scenarios: { stress: capacityOptions(false).scenario, realistic: realisticDefaults } };
}

/**
 * Issue 13's cost measure: worker and dev-server CPU milliseconds per generation-second, at a fixed
 * concurrency, for ours, (c) `@temporalio/workflow-streams` and (a) the in-process loop, on the stress
 * and the realistic scenario, in one run. Each system runs alone (its worker in its own process, warmed
 * up); the fake model runs in another process and counts towards none.
 */
export async function measureCpuCost(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const options = cpuCostOptions(ctx.quick);
  const measuredAt = new Date().toISOString();
  const model = await startScenarioModel(options.scenarios);
  const steps: Record<string, Record<string, LoadStep>> = { stress: {}, realistic: {} };
  try {
    for (const system of systems) {
      const target = await startLoadTarget(system, temporal, model.url, extraStackEnv());
      try {
        for (const scenario of scenarioNames) {
          const step = await runLoadStep(target, options.scenarios, scenario, options.concurrent, { staggerMs: options.staggerMs, dispatchP99LimitMs: Infinity, modelPid: model.child.pid });
          ctx.log(`cpu-cost: ${describeStep(loadSystemLabels[system], step)}`);
          steps[scenario][system] = step;
        }
      } finally {
        await target.close();
      }
    }
  } finally {
    await model.child.stop();
  }
  const cpuCost: CpuCost = {
    measuredAt,
    concurrent: options.concurrent,
    scenarios: Object.fromEntries(
      scenarioNames.map((scenario) => [
        scenario,
        Object.fromEntries(
          Object.entries(steps[scenario]).map(([system, step]) => [
            system,
            {
              workerCpuMsPerGenerationSecond: step.perGenerationSecond.workerCpuMs,
              devServerCpuMsPerGenerationSecond: system === LoadSystem.inProcess ? 0 : step.perGenerationSecond.devServerCpuMs,
              dispatchP50Ms: step.dispatchP50Ms,
              dispatchP99Ms: step.dispatchP99Ms,
              failedGenerations: step.failedGenerations,
              generationSeconds: step.generationSeconds,
              workerCpuPercent: step.cpuPercent.worker,
              devServerCpuPercent: step.cpuPercent.devServer,
              otherLoadPercent: step.cpuPercent.others,
            },
          ]),
        ),
      ]),
    ) as CpuCost['scenarios'],
  };
  const { stress, realistic } = options.scenarios;
  return {
    cpuCost,
    settings: {
      cpuCost: {
        concurrent: options.concurrent,
        startsSpreadOverMs: options.staggerMs,
        stress: `${stress.streamMs / 1000} s stream at ${stress.tokensPerSecond} tokens/s, a sleep ${stress.toolMs} ms call every ${stress.toolEveryMs / 1000} s, then a short closing turn`,
        realistic:
          `${realistic.iterations} model turns at ${realistic.tokensPerSecond} tokens/s (one token per SSE event); turns 1–${realistic.iterations - 1} each ${realistic.toolsPerTurn} ` +
          `sleep ${realistic.toolMs} ms calls, gaps ${realistic.meanToolGapMs / 1000} s ± ${realistic.jitter * 100} % (seeded), ending on a call; the last ${realistic.finalTurnMs / 1000} s of text`,
        clients: 'ours: one HTTP poller per generation (500 ms); (c): one subscriber per generation (poll cooldown 500 ms); (a): none',
      },
    },
  };
}
