import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sendToParent, serveParent } from './child-entry';
import type { ChildMessage } from './child-process';
import { subscribeGeneration } from './sse-subscriber';

/**
 * A child process holding many SSE subscribers of one generation (bench/measures/sse-fanout.ts), so
 * the clients do not compete with the API for its event loop. `{type:'start', url, id, subscribers,
 * timeoutMs}` in; one `{type:'report', ...SseChildReport}` out when every stream has ended.
 */
export interface SseChildReport {
  subscribers: number;
  errors: number;
  errorSamples: string[];
  finished: number;
  eventsSeenMin: number;
  eventsSeenMax: number;
  connectMs: number[];
  /** Live text deltas (those after the subscriber connected): their `at` (epoch ms), and when seen, minus `at`, ms. Parallel arrays. */
  deltaAtMs: number[];
  deliveryMs: number[];
  loopDelayP99Ms: number;
  cpuMs: number;
}

async function run(message: ChildMessage): Promise<void> {
  if (message.type !== 'start') return;
  const { url, id, subscribers, timeoutMs } = message as unknown as { url: string; id: string; subscribers: number; timeoutMs: number };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const deadline = Date.now() + timeoutMs;
  const deltaAtMs: number[] = [];
  const deliveryMs: number[] = [];
  const results = await Promise.all(
    Array.from({ length: subscribers }, () => {
      // Deltas from before this stream connected are backlog, not live delivery.
      let connectedAt = Number.POSITIVE_INFINITY;
      return subscribeGeneration({
        url,
        id,
        deadline,
        onConnected: (at) => (connectedAt = at),
        onTextDelta: (atMs, seenAt) => {
          if (atMs < connectedAt) return;
          deltaAtMs.push(atMs);
          deliveryMs.push(seenAt - atMs);
        },
      });
    }),
  );
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const report: SseChildReport = {
    subscribers,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 10),
    finished: results.filter((r) => r.finished).length,
    eventsSeenMin: Math.min(...results.map((r) => r.eventsSeen)),
    eventsSeenMax: Math.max(...results.map((r) => r.eventsSeen)),
    connectMs: results.map((r) => r.connectMs ?? Number.NaN).filter((ms) => !Number.isNaN(ms)),
    deltaAtMs,
    deliveryMs,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify({ type: 'report', ...report })}\n`, () => resolve()));
}

serveParent(run, async () => undefined);
sendToParent({ type: 'ready' });
