import { runFakeModelChild } from './fake-model-child';
import { pacedToolsScenario, type PacedToolsOptions } from './paced-tools-scenario';

/**
 * The fake model in its own process, serving the `paced` scenario (options in BENCH_PACED_SCENARIO as
 * JSON) and a short `warmup`: at hundreds of streams it writes thousands of SSE frames a second, and
 * must neither share an event loop with the API nor count towards the worker's CPU.
 * `{type: 'summary'}` asks how the `paced` streams went: how long each took against how long it should have.
 */
runFakeModelChild(
  () => {
    const options = JSON.parse(process.env.BENCH_PACED_SCENARIO ?? '') as PacedToolsOptions;
    // `warmup`: a short version, for getting a fresh worker's code compiled before it is measured.
    const warmup = pacedToolsScenario({ ...options, streamMs: 1500, toolEveryMs: 500 });
    return { scenarios: { paced: pacedToolsScenario(options), warmup } };
  },
  Number(process.env.BENCH_STATS_MS ?? 500),
  (fake) => {
    const firstTurns = fake.responses.filter((r) => r.turn === 0 && r.scenario === 'paced');
    return { firstTurnMs: firstTurns.filter((r) => r.endedAt !== undefined).map((r) => (r.endedAt as number) - r.startedAt) };
  },
);
