// Throwaway: where does a poll's time go under fan-out? Runs variants interleaved on one dev server.
// npx tsx bench/dev/profile-fanout.ts --pollers=300 --reps=3 --variants=base,swr [--profile]
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { measureFanout } from '../measures/fanout';
import type { BenchStack } from '../lib/stack';
import { startTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';

const arg = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;

interface ReaderInternals {
  queryEvents: (...a: unknown[]) => Promise<unknown>;
  events: (...a: unknown[]) => Promise<unknown>;
  mirrors: Map<string, { log?: { read(a: number, l: number): unknown }; closedRunId?: string; refreshing?: Promise<void>; lastReadAt: number }>;
  isStale(m: unknown, now: number): boolean;
  refresh(id: string, m: unknown): Promise<void>;
}

function instrument(stack: BenchStack, variant: string, queryMs: number[], readerMs: number[]): void {
  const reader = stack.toolstream.generations.reader as unknown as ReaderInternals;
  const q = reader.queryEvents;
  reader.queryEvents = async (...a: unknown[]) => {
    const t = performance.now();
    try {
      return await q(...a);
    } finally {
      queryMs.push(performance.now() - t);
    }
  };
  const ev = reader.events.bind(reader);
  reader.events = async (...a: unknown[]) => {
    const t = performance.now();
    try {
      const [id, after, limit] = a as [string, number, number];
      const mirror = reader.mirrors.get(id);
      if (variant.includes('swr') && mirror?.log && mirror.closedRunId === undefined) {
        // Stale-while-revalidate: answer from the mirror at once, refresh in the background.
        const now = Date.now();
        if (!mirror.refreshing && reader.isStale(mirror, now)) {
          const p = reader.refresh(id, mirror).finally(() => {
            mirror.refreshing = undefined;
          });
          mirror.refreshing = p;
          p.catch(() => undefined);
        }
        mirror.lastReadAt = now;
        return mirror.log.read(after, limit);
      }
      return await ev(...a);
    } finally {
      readerMs.push(performance.now() - t);
    }
  };
}

const eventsRoute = /^\/v1\/generations\/([A-Za-z0-9_-]{1,64})\/events\?after=(\d+)$/;

/** Answers GET .../events before Express sees the request (the product's server is not exposed: found among active handles). */
function installFastPath(stack: BenchStack): void {
  const port = Number(new URL(stack.url).port);
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const server = handles.find((h): h is http.Server => h instanceof http.Server && (h.address() as { port?: number } | null)?.port === port);
  if (!server) throw new Error('API server not found');
  const [app] = server.listeners('request') as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.removeAllListeners('request');
  const generations = stack.toolstream.generations;
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const match = req.method === 'GET' ? eventsRoute.exec(req.url ?? '') : null;
    if (!match) return app(req, res);
    generations.events(match[1], Number(match[2]), 500).then(
      (page) => {
        const body = JSON.stringify(page);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => app(req, res),
    );
  });
}

async function main(): Promise<void> {
  const pollers = Number(arg('pollers', '300'));
  const children = Number(arg('children', '2'));
  const reps = Number(arg('reps', '1'));
  const seconds = Number(arg('seconds', '8'));
  const variants = arg('variants', 'base').split(',');
  const profile = process.argv.includes('--profile');
  const temporal = await startTemporal();
  const session = new Session();
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const variant of variants) {
        const queryMs: number[] = [];
        const readerMs: number[] = [];
        const result = await measureFanout(temporal, { quick: true, log: () => undefined }, {
          plan: { pollers, clientProcesses: children, streamSeconds: seconds },
          onStack(stack) {
            instrument(stack, variant, queryMs, readerMs);
            if (variant.includes('fast')) installFastPath(stack);
            if (profile) {
              session.connect();
              session.post('Profiler.enable', () => session.post('Profiler.start'));
            }
          },
        });
        if (profile) {
          await new Promise<void>((resolve) =>
            session.post('Profiler.stop', (err, { profile: data }) => {
              if (!err) fs.writeFileSync(`/tmp/fanout-${variant}-${rep}.cpuprofile`, JSON.stringify(data));
              session.disconnect();
              resolve();
            }),
          );
        }
        const f = result.fanout!;
        const reader = summarize(readerMs);
        const query = summarize(queryMs);
        console.log(
          `${variant.padEnd(5)} rep ${rep}: polls/s ${f.pollsPerSec} p50 ${f.p50Ms} p95 ${f.p95Ms} p99 ${f.p99Ms} err ${f.errors} | delivery p50 ${f.deliveryMs?.p50} p99 ${f.deliveryMs?.p99} | ` +
            `queries/s ${f.queriesPerSec} query p50 ${query.p50} p99 ${query.p99} | reader wait p50 ${reader.p50} p99 ${reader.p99} | ` +
            `api cpu ${f.serverCpuPercent}% loop p99 ${f.serverLoopDelayP99Ms} client loop p99 ${f.clientLoopDelayP99Ms} temporal ${f.temporalCpuPercent}% OTHER ${f.otherCpuPercent}% | ` +
            `slow ${JSON.stringify(f.slowPolls)}`,
        );
      }
    }
  } finally {
    await temporal.close();
  }
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
