import { startFakeAnthropic } from '../../src/fake-anthropic';
import { reportLoopStats, sendToParent, serveParent } from './child-entry';
import { pacedToolsScenario, type PacedToolsOptions } from './paced-tools-scenario';
import { realisticScenario, realisticScenarioName, type RealisticOptions } from './realistic-scenario';

/**
 * The fake model in its own process for the load measures (cpu-cost, the capacity ramps), so its SSE
 * writing counts towards no system under test: serves `stress` (the capacity measure's paced scenario,
 * options in BENCH_STRESS_SCENARIO), `realistic` (BENCH_REALISTIC_SCENARIO) and a short `warmup`.
 */
async function main(): Promise<void> {
  const stress = JSON.parse(process.env.BENCH_STRESS_SCENARIO ?? '') as PacedToolsOptions;
  const realistic = JSON.parse(process.env.BENCH_REALISTIC_SCENARIO ?? '') as RealisticOptions;
  const warmup = pacedToolsScenario({ ...stress, streamMs: 1500, toolEveryMs: 500 });
  const fake = await startFakeAnthropic({
    scenarios: { stress: pacedToolsScenario(stress), [realisticScenarioName]: realisticScenario(realistic), warmup },
    // Thousands of conversations: keep only the latest body per scenario.
    keepRequestBodies: 'last',
  });
  const stopStats = reportLoopStats(Number(process.env.BENCH_STATS_MS ?? 1000));
  serveParent(
    (message) => {
      if (message.type !== 'summary') return;
      sendToParent({
        type: 'summary',
        responses: fake.responses.length,
        unfinished: fake.responses.filter((r) => r.endedAt === undefined).length,
        nonOk: fake.responses.filter((r) => r.status !== 200).length,
      });
      fake.responses.length = 0;
      fake.requests.length = 0;
    },
    async () => {
      stopStats();
      await fake.close();
    },
  );
  sendToParent({ type: 'ready', pid: process.pid, url: fake.url });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
