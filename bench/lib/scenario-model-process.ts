import { runFakeModelChild } from './fake-model-child';
import { pacedToolsScenario, type PacedToolsOptions } from './paced-tools-scenario';
import { realisticScenario, realisticScenarioName, type RealisticOptions } from './realistic-scenario';

/**
 * The fake model in its own process for the load measures (cpu-cost, the capacity ramps), so its SSE
 * writing counts towards no system under test: serves `stress` (the capacity measure's paced scenario,
 * options in BENCH_STRESS_SCENARIO), `realistic` (BENCH_REALISTIC_SCENARIO) and a short `warmup`.
 */
runFakeModelChild(() => {
  const stress = JSON.parse(process.env.BENCH_STRESS_SCENARIO ?? '') as PacedToolsOptions;
  const realistic = JSON.parse(process.env.BENCH_REALISTIC_SCENARIO ?? '') as RealisticOptions;
  const warmup = pacedToolsScenario({ ...stress, streamMs: 1500, toolEveryMs: 500 });
  return {
    scenarios: { stress: pacedToolsScenario(stress), [realisticScenarioName]: realisticScenario(realistic), warmup },
    // Thousands of conversations: keep only the latest body per scenario.
    keepRequestBodies: 'last',
  };
}, Number(process.env.BENCH_STATS_MS ?? 1000));
