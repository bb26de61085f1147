import { reportLoopStats, sendToParent, serveParent } from '../lib/child-entry';
import { runInProcessLoop } from './in-process-loop';

/**
 * Baseline (a) in its own process, so the CPU of the agent loop (SDK stream parsing, our assembler,
 * the tools) can be read on its own: this process is (a)'s "worker", and (a) has no Temporal server.
 * `{type: 'run', prompts, staggerMs}` runs one loop per prompt, started spread over `staggerMs`, and
 * answers `{type: 'ran', generations}`. Env: ANTHROPIC_BASE_URL.
 */

export interface InProcessGeneration {
  ok: boolean;
  durationMs: number;
  /** Block stop seen → tool code start, per tool call. */
  dispatchMs: number[];
  error?: string;
}

async function runAll(baseUrl: string, prompts: string[], staggerMs: number, maxIterations: number): Promise<InProcessGeneration[]> {
  return Promise.all(
    prompts.map(async (prompt, i): Promise<InProcessGeneration> => {
      await new Promise((resolve) => setTimeout(resolve, (staggerMs * i) / prompts.length));
      const started = Date.now();
      try {
        const run = await runInProcessLoop({ baseUrl, prompt, maxIterations });
        const failed = run.tools.find((tool) => tool.error !== undefined);
        return { ok: failed === undefined, durationMs: run.endedAt - started, dispatchMs: run.tools.map((tool) => tool.dispatchLatencyMs), ...(failed ? { error: failed.error } : {}) };
      } catch (err) {
        return { ok: false, durationMs: Date.now() - started, dispatchMs: [], error: String(err) };
      }
    }),
  );
}

function main(): void {
  const baseUrl = process.env.ANTHROPIC_BASE_URL;
  if (!baseUrl) throw new Error('ANTHROPIC_BASE_URL is required');
  const stopStats = reportLoopStats(Number(process.env.BENCH_STATS_MS ?? 1000));
  serveParent(
    async (message) => {
      if (message.type !== 'run') return;
      const generations = await runAll(baseUrl, message.prompts as string[], Number(message.staggerMs ?? 0), Number(message.maxIterations ?? 25));
      sendToParent({ type: 'ran', generations });
    },
    async () => stopStats(),
  );
  sendToParent({ type: 'ready', pid: process.pid });
}

main();
