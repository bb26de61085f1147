import fs from 'node:fs';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import type { ChildConfig, ChildReport, ChildStart } from '../lib/fanout-clients';
import type { BenchContext, BenchResults, FanoutDetails } from '../lib/results';
import { startStack, type BenchStack, type BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { workflowIdFor } from '../../src/shared/generation';
import { SignalRecorder } from './signal-recorder';

const pollMs = 100;
const tokensPerSecond = 50;

interface Plan {
  pollers: number;
  /** Child processes the pollers are spread over (the API process must not also run them). */
  clientProcesses: number;
  /** How long the model streams, seconds. */
  streamSeconds: number;
  /**
   * Pollers long-poll (`events?wait=`), as the README tells a follower to: every request goes through
   * the one Express router, and a caught-up poller's request waits on the generation's follower
   * rather than coming back every 100 ms. 0: plain polling every 100 ms.
   */
  waitMs: number;
}

const fullPlan: Plan = { pollers: 1_000, clientProcesses: 2, streamSeconds: 20, waitMs: 25_000 };
const quickPlan: Plan = { pollers: 300, clientProcesses: 2, streamSeconds: 8, waitMs: 25_000 };

const scenarioName = 'fanout';

/** For profiling runs (bench/dev): other sizes, other settings, a look at the stack. */
export interface FanoutHooks {
  plan?: Partial<Plan>;
  env?: Record<string, string>;
  onStack?: (stack: BenchStack) => void;
}

/**
 * Many concurrent pollers of one live generation. The pollers run in child processes; the bench
 * process is the API (and worker and fake model), so its event loop, CPU and the queries its reader
 * sends to Temporal are what is measured. With long polls (the default) what matters is delivery:
 * each text delta from the signal carrying it leaving the model activity (and from the delta's own
 * `at`, the batch's first delta, as measured before long polling) to each poller holding it; a long
 * poll's round trip is mostly its wait and says nothing. Plain polling (FANOUT_WAIT_MS=0) also
 * reports each poll's round trip as the client saw it.
 */
export async function measureFanout(temporal: BenchTemporal, ctx: BenchContext, hooks: FanoutHooks = {}): Promise<Partial<BenchResults>> {
  // FANOUT_WAIT_MS=0 measures plain 100 ms polling, for comparing with runs before long polling.
  const waitOverride = process.env.FANOUT_WAIT_MS === undefined ? {} : { waitMs: Number(process.env.FANOUT_WAIT_MS) };
  const plan = { ...(ctx.quick ? quickPlan : fullPlan), ...waitOverride, ...hooks.plan };
  const longPoll = plan.waitMs > 0;
  const signals = new SignalRecorder();
  const stack = await startStack(temporal, { [scenarioName]: fanoutScenario(plan.streamSeconds) }, hooks.env, { clientInterceptors: signals.interceptors() });
  const children: PollerChild[] = [];
  try {
    hooks.onStack?.(stack);
    const perChild = splitEvenly(plan.pollers, plan.clientProcesses);
    for (const pollers of perChild) {
      children.push(spawnPollerChild({ url: stack.url, pollers, intervalMs: pollMs, waitMs: plan.waitMs, timeoutMs: plan.streamSeconds * 1000 + 120_000 }));
    }
    await Promise.all(children.map((child) => child.ready));

    const created = await fetch(`${stack.url}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: `[[scenario:${scenarioName}]] Stream for a while.` }),
    });
    if (created.status !== 201) throw new Error(`fanout: create failed: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };

    const reader = stack.toolstream.generations.reader;
    const queriesBefore = reader.stats.queries;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const machineCpu = machineCpuMeter();
    const startedAt = Date.now();
    for (const child of children) child.start({ id });
    const reports = await Promise.all(children.map((child) => child.report));
    const durationMs = Date.now() - startedAt;
    loop.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const machine = machineCpu.stop();
    const queries = reader.stats.queries - queriesBefore;

    const latencies = reports.flatMap((r) => r.latenciesMs);
    const summary = summarize(latencies);
    const polls = sum(reports.map((r) => r.polls));
    const errors = sum(reports.map((r) => r.errors));
    const unfinished = plan.pollers - sum(reports.map((r) => r.finishedPollers));
    const eventsMin = Math.min(...reports.map((r) => r.eventsSeenMin));
    const eventsMax = Math.max(...reports.map((r) => r.eventsSeenMax));
    const delivery = summarize(reports.flatMap((r) => r.deliveryMs));
    const workflowId = workflowIdFor(id);
    const fromSent: number[] = [];
    for (const report of reports) {
      report.deltaAtMs.forEach((atMs, i) => {
        const sentAt = signals.textSentAt(workflowId, new Date(atMs).toISOString());
        // seen - sent = (seen - at) - (sent - at): both clocks are this machine's.
        if (sentAt !== undefined) fromSent.push(report.deliveryMs[i] - (sentAt - atMs));
      });
    }
    const deliveryFromSent = summarize(fromSent);
    const deliveredEvents = sum(reports.map((r) => r.eventsSeen));
    const finalState = (await (await fetch(`${stack.url}/v1/generations/${id}`)).json()) as { finishedAt: string | null };
    const slowPolls = slowPollPhases(reports.flatMap((r) => r.slowPolls), startedAt, finalState.finishedAt ? Date.parse(finalState.finishedAt) : Number.NaN);
    ctx.log(`fanout: polls over 100 ms: ${slowPolls.total} (first second ${slowPolls.firstSecond}, around the finish ±1 s ${slowPolls.aroundFinish}, the rest ${slowPolls.steady})`);
    const apiCpuMs = (cpu.user + cpu.system) / 1000;
    const pollLatency = longPoll ? '' : `poll p50 ${summary.p50} ms, p99 ${summary.p99} ms, `;
    ctx.log(
      `fanout: ${plan.pollers} ${longPoll ? `long pollers (wait=${plan.waitMs})` : 'pollers'}, ${polls} requests in ${(durationMs / 1000).toFixed(1)} s, ${pollLatency}` +
        `${errors} errors, ${queries} queries; events per poller ${eventsMin}..${eventsMax}, unfinished ${unfinished}; ` +
        `delivery from the batch leaving the activity p50 ${deliveryFromSent.p50} ms, p95 ${deliveryFromSent.p95} ms, p99 ${deliveryFromSent.p99} ms; ` +
        `from the batch's first delta p50 ${delivery.p50} ms, p99 ${delivery.p99} ms; ` +
        `API process CPU ${Math.round((apiCpuMs * 1000) / Math.max(1, polls))} µs per request, ${Math.round((apiCpuMs * 1000) / Math.max(1, deliveredEvents))} µs per delivered event`,
    );
    for (const sample of reports.flatMap((r) => r.errorSamples).slice(0, 5)) ctx.log(`fanout: error: ${sample}`);
    const childrenCpuMs = sum(reports.map((r) => r.cpuMs));
    const otherCpuMs = machine.machineBusyMs - apiCpuMs - childrenCpuMs - machine.temporalMs;
    ctx.log(
      `fanout: cpu over ${durationMs} ms of ${machine.machineMs} core-ms: API process ${Math.round(apiCpuMs)}, poller children ${Math.round(childrenCpuMs)}, ` +
        `Temporal dev server ${machine.temporalMs}, everything else ${Math.round(otherCpuMs)} (other programs on the machine)`,
    );

    return {
      fanout: {
        pollers: plan.pollers,
        mode: longPoll ? 'long-poll' : 'poll',
        waitMs: plan.waitMs,
        // A long poll's round trip is its wait: only plain polls have a poll latency worth reporting.
        p99Ms: longPoll ? null : summary.p99,
        p50Ms: longPoll ? null : summary.p50,
        errors,
        unfinished,
        queriesPerSec: round1(queries / (durationMs / 1000)),
        pollsPerSec: round1(polls / (durationMs / 1000)),
        p95Ms: longPoll ? undefined : summary.p95,
        maxMs: longPoll ? undefined : latencies.reduce((max, value) => Math.max(max, value), 0),
        deliveryFromSentMs: deliveryFromSent,
        deliveredEvents,
        apiCpuUsPerRequest: Math.round((apiCpuMs * 1000) / Math.max(1, polls)),
        apiCpuUsPerDeliveredEvent: round1((apiCpuMs * 1000) / Math.max(1, deliveredEvents)),
        durationMs,
        clientProcesses: plan.clientProcesses,
        polls,
        queries,
        serverLoopDelayP99Ms: round1(loop.percentile(99) / 1e6),
        serverCpuPercent: round1(((cpu.user + cpu.system) / 1000 / durationMs) * 100),
        clientLoopDelayP99Ms: round1(Math.max(...reports.map((r) => r.loopDelayP99Ms))),
        deliveryMs: delivery,
        slowPolls,
        temporalCpuPercent: round1((machine.temporalMs / durationMs) * 100),
        otherCpuPercent: round1((otherCpuMs / durationMs) * 100),
      },
      settings: { fanout: { pollers: plan.pollers, clientProcesses: plan.clientProcesses, waitMs: plan.waitMs, pollMs, streamSeconds: plan.streamSeconds, tokensPerSecond } },
    };
  } finally {
    for (const child of children) child.kill();
    await stack.close();
  }
}

/** Text with a few quick tools, streamed for about `seconds` seconds: a steady flow of new events. */
function fanoutScenario(seconds: number): Scenario {
  const tokens = seconds * tokensPerSecond;
  const text = (share: number): string => 'Streaming along for the pollers. '.repeat(Math.ceil((tokens * share * 4) / 33)).slice(0, Math.round(tokens * share * 4));
  const turn: ScriptedTurn = {
    steps: [
      { type: 'text', text: text(0.3) },
      { type: 'tool_use', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
      { type: 'text', text: text(0.3) },
      { type: 'tool_use', name: 'sleep', input: { ms: 300 } },
      { type: 'text', text: text(0.3) },
    ],
    tokensPerSecond,
  };
  return [turn, { steps: [{ type: 'text', text: text(0.1) }], tokensPerSecond }];
}

interface PollerChild {
  ready: Promise<void>;
  report: Promise<ChildReport>;
  start(start: ChildStart): void;
  kill(): void;
}

/** One `node --import tsx bench/lib/fanout-clients.ts` process running `config.pollers` pollers. */
function spawnPollerChild(config: ChildConfig): PollerChild {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', require.resolve('../lib/fanout-clients'), JSON.stringify(config)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: child.stdout });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`fanout: poller child exited early (code ${code}, signal ${signal})`)));
    child.once('error', reject);
  });
  const messages: unknown[] = [];
  const waiters: ((message: unknown) => void)[] = [];
  lines.on('line', (line) => {
    const message: unknown = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const next = (): Promise<unknown> =>
    Promise.race([
      new Promise<unknown>((resolve) => {
        if (messages.length > 0) resolve(messages.shift());
        else waiters.push(resolve);
      }),
      exited,
    ]);
  const ready = next().then(() => undefined);
  const report = ready.then(() => next() as Promise<ChildReport>);
  // Whoever awaits these sees the failure; these handlers only keep an unawaited one from crashing the process.
  ready.catch(() => undefined);
  report.catch(() => undefined);
  return {
    ready,
    report,
    start: (start) => child.stdin.write(JSON.stringify(start) + '\n'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** Where the slow polls fall: the first second (every poller's first read), the generation's end, or steady streaming. */
function slowPollPhases(slow: { at: number; ms: number }[], startedAt: number, finishedAt: number): NonNullable<FanoutDetails['slowPolls']> {
  const firstSecond = slow.filter((poll) => poll.at < startedAt + 1000).length;
  const aroundFinish = slow.filter((poll) => poll.at >= startedAt + 1000 && Math.abs(poll.at + poll.ms / 2 - finishedAt) <= 1000).length;
  return { total: slow.length, firstSecond, aroundFinish, steady: slow.length - firstSecond - aroundFinish };
}

function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * CPU time over a window, Linux only (else NaN): the whole machine's busy time and the Temporal dev
 * server's (a child of this process), both in ms summed over cores. Other programs on the machine
 * show up as busy time nobody here used, which says when a run's numbers are not to be trusted.
 */
function machineCpuMeter(): { stop(): { machineBusyMs: number; machineMs: number; temporalMs: number } } {
  const ticksToMs = 10; // USER_HZ is 100 on Linux
  const machine = (): { busy: number; total: number } => {
    try {
      const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const total = fields.reduce((a, b) => a + b, 0);
      return { busy: total - fields[3] - (fields[4] ?? 0), total };
    } catch {
      return { busy: Number.NaN, total: Number.NaN };
    }
  };
  const temporalTicks = (): number => {
    let ticks = 0;
    try {
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue;
        }
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (comm === 'temporal' && Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
      }
    } catch {
      return Number.NaN;
    }
    return ticks;
  };
  const before = { machine: machine(), temporal: temporalTicks() };
  return {
    stop() {
      const after = machine();
      return {
        machineBusyMs: (after.busy - before.machine.busy) * ticksToMs,
        machineMs: (after.total - before.machine.total) * ticksToMs,
        temporalMs: (temporalTicks() - before.temporal) * ticksToMs,
      };
    },
  };
}
