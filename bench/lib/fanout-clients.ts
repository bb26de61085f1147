import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import readline from 'node:readline';
import type { EventPage } from '../../src/shared/event-log';
import { isFinished } from '../../src/shared/state';

/**
 * Polling HTTP clients of one generation, each with its own cursor, the way the README tells a client
 * to poll: `after=<last seq seen>`, again at once while behind `lastSeq`, else after `intervalMs`.
 * Used in-process for a handful of pollers, and as a child process (`node --import tsx` this file)
 * when there are so many that the clients would otherwise compete with the server for one event loop.
 */

export interface PollerOptions {
  url: string;
  id: string;
  intervalMs: number;
  /** Give up (and count it as an error) if the generation has not finished by then (epoch ms). */
  deadline: number;
  /** Wait this long before the first poll, so many pollers do not all fire in the same millisecond. */
  startDelayMs?: number;
  agent: http.Agent;
  /** Polls slower than this are listed in `slowPolls`; default 100 ms. */
  slowMs?: number;
  /**
   * Long polling (`wait=`): a caught-up poller's next request waits on the server for new events
   * instead of the client sleeping `intervalMs`. Its round trip then includes the wait, so only the
   * requests sent while behind (answered at once) count as poll latencies; delivery covers the rest.
   */
  waitMs?: number;
  /** Called with every text.delta's `at` and when this poller saw it. */
  onTextDelta?: (at: string, seenAt: number) => void;
}

export interface PollerResult {
  polls: number;
  errors: number;
  errorSamples: string[];
  /** Every poll's round trip, request written → body parsed, in ms. */
  latenciesMs: number[];
  /** Polls slower than `slowMs`: when each started (epoch ms) and how long it took, to see where a tail comes from. */
  slowPolls: { at: number; ms: number }[];
  eventsSeen: number;
  finished: boolean;
}

export async function pollGeneration(options: PollerOptions): Promise<PollerResult> {
  const result: PollerResult = { polls: 0, errors: 0, errorSamples: [], latenciesMs: [], slowPolls: [], eventsSeen: 0, finished: false };
  const slowMs = options.slowMs ?? 100;
  const fail = (message: string): void => {
    result.errors++;
    if (result.errorSamples.length < 5) result.errorSamples.push(message);
  };
  if (options.startDelayMs) await sleep(options.startDelayMs);
  let cursor = 0;
  let knownLastSeq = -1;
  const wait = options.waitMs ? `&wait=${options.waitMs}` : '';
  while (Date.now() < options.deadline) {
    const started = performance.now();
    const startedAt = Date.now();
    const timed = !wait || cursor < knownLastSeq;
    let page: EventPage;
    try {
      const res = await getJson(options.agent, `${options.url}/v1/generations/${options.id}/events?after=${cursor}${wait}`);
      const ms = Math.round((performance.now() - started) * 10) / 10;
      result.polls++;
      if (timed) result.latenciesMs.push(ms);
      if (timed && ms > slowMs) result.slowPolls.push({ at: startedAt, ms });
      if (res.status !== 200) {
        fail(`HTTP ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
        await sleep(options.intervalMs);
        continue;
      }
      page = res.body as EventPage;
    } catch (err) {
      result.polls++;
      fail((err as Error).message);
      await sleep(options.intervalMs);
      continue;
    }
    if (page.gap) fail(`gap after seq ${cursor}`);
    const seenAt = Date.now();
    for (const event of page.events) {
      if (!page.gap && event.seq !== cursor + 1) fail(`expected seq ${cursor + 1}, got ${event.seq}`);
      cursor = event.seq;
      result.eventsSeen++;
      if (event.type === 'text.delta') options.onTextDelta?.(event.at, seenAt);
    }
    knownLastSeq = page.lastSeq;
    if (cursor >= page.lastSeq) {
      if (isFinished(page.status)) {
        result.finished = true;
        return result;
      }
      if (!wait) await sleep(options.intervalMs);
    }
  }
  fail(`generation ${options.id} not finished by the deadline`);
  return result;
}

interface JsonResponse {
  status: number;
  body: unknown;
}

function getJson(agent: http.Agent, url: string): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('poll timed out after 30 s')));
    req.on('error', reject);
  });
}

/**
 * One kept-alive connection per poller, as separate clients would have. (A shared pool would park
 * spare sockets until the server's keep-alive timeout closes them, and a poll that picks one just then
 * fails with ECONNRESET: a quirk of the pool, not of the server.)
 */
export function clientAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one child process reports on stdout (one JSON line) when its pollers are done. */
export interface ChildReport {
  pollers: number;
  polls: number;
  errors: number;
  errorSamples: string[];
  latenciesMs: number[];
  slowPolls: { at: number; ms: number }[];
  finishedPollers: number;
  eventsSeenMin: number;
  eventsSeenMax: number;
  /** text.delta `at` (the activity saw the text) → a poller read it, ms, every delta, every poller. */
  deliveryMs: number[];
  /** Each of those deltas' `at` (epoch ms), parallel to `deliveryMs`: to time them from the signal that carried them. */
  deltaAtMs: number[];
  /** Events the pollers read, all together. */
  eventsSeen: number;
  /** This child's own event-loop delay: if high, the client side (not the server) added latency. */
  loopDelayP99Ms: number;
  cpuMs: number;
}

export interface ChildConfig {
  url: string;
  pollers: number;
  intervalMs: number;
  timeoutMs: number;
  waitMs?: number;
}

export interface ChildStart {
  id: string;
}

/**
 * Child-process protocol: config as argv[2] (JSON); the child prints `{"ready":true}`, reads one
 * line `{"id": ...}` on stdin, runs its pollers to the end and prints its ChildReport as one line.
 */
async function childMain(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const lines = readline.createInterface({ input: process.stdin });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  const start = await new Promise<ChildStart>((resolve) => lines.once('line', (line) => resolve(JSON.parse(line) as ChildStart)));
  lines.close();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const deadline = Date.now() + config.timeoutMs;
  const deliveryMs: number[] = [];
  const deltaAtMs: number[] = [];
  const onTextDelta = (at: string, seenAt: number): void => {
    const atMs = Date.parse(at);
    deltaAtMs.push(atMs);
    deliveryMs.push(seenAt - atMs);
  };
  const results = await Promise.all(
    Array.from({ length: config.pollers }, () =>
      pollGeneration({ url: config.url, id: start.id, intervalMs: config.intervalMs, waitMs: config.waitMs, deadline, startDelayMs: Math.random() * config.intervalMs, agent: clientAgent(), onTextDelta }),
    ),
  );
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const report: ChildReport = {
    pollers: config.pollers,
    polls: sum(results.map((r) => r.polls)),
    errors: sum(results.map((r) => r.errors)),
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 10),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    slowPolls: results.flatMap((r) => r.slowPolls),
    finishedPollers: results.filter((r) => r.finished).length,
    eventsSeenMin: Math.min(...results.map((r) => r.eventsSeen)),
    eventsSeenMax: Math.max(...results.map((r) => r.eventsSeen)),
    deliveryMs,
    deltaAtMs,
    eventsSeen: sum(results.map((r) => r.eventsSeen)),
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  // Exit only once the (large) line is flushed: a pipe may take it in several writes.
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(report) + '\n', () => resolve()));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

if (require.main === module) {
  childMain().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
