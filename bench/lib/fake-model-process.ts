import { startFakeAnthropic } from '../../src/fake-anthropic';
import { reportLoopStats, sendToParent, serveParent } from './child-entry';
import { pacedToolsScenario, type PacedToolsOptions } from './paced-tools-scenario';

/**
 * The fake model in its own process, serving the `paced` scenario (options in BENCH_PACED_SCENARIO as
 * JSON) and a short `warmup`: at hundreds of streams it writes thousands of SSE frames a second, and
 * must neither share an event loop with the API nor count towards the worker's CPU.
 * `{type: 'summary'}` asks how the `paced` streams went: how long each took against how long it should have.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_PACED_SCENARIO ?? '') as PacedToolsOptions;
  // `warmup`: a short version, for getting a fresh worker's code compiled before it is measured.
  const warmup = pacedToolsScenario({ ...options, streamMs: 1500, toolEveryMs: 500 });
  const fake = await startFakeAnthropic({ scenarios: { paced: pacedToolsScenario(options), warmup } });
  const stopStats = reportLoopStats(Number(process.env.BENCH_STATS_MS ?? 500));
  serveParent(
    (message) => {
      if (message.type !== 'summary') return;
      const firstTurns = fake.responses.filter((r) => r.turn === 0 && r.scenario === 'paced');
      const durations = firstTurns.filter((r) => r.endedAt !== undefined).map((r) => (r.endedAt as number) - r.startedAt);
      sendToParent({
        type: 'summary',
        responses: fake.responses.length,
        unfinished: fake.responses.filter((r) => r.endedAt === undefined).length,
        nonOk: fake.responses.filter((r) => r.status !== 200).length,
        firstTurnMs: durations,
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
