import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { startApiOnly, type BenchApi } from '../lib/api-server';
import { startChild, type BenchChild, type ChildMessage } from '../lib/child-process';
import type { LoopStats } from '../lib/child-entry';
import { dispatchTimings, type DispatchTiming } from '../lib/dispatch-latency';
import { createGeneration, followGeneration, type FollowedGeneration } from '../lib/follow-generation';
import { toolCallsPerGeneration, type PacedToolsOptions } from '../lib/paced-tools-scenario';
import { childPids, CpuWindow, readRssMB, RssSampler, ThreadCpuWindow, type CpuShare, type ThreadShare } from '../lib/process-stats';
import type { BenchTemporal } from '../lib/stack';
import { percentile } from '../lib/stats';

/**
 * The stress capacity ramp: how many concurrent streaming generations one worker holds at 50 tokens/s with
 * a tool call every 2 s and tool dispatch p99 ≤ 250 ms, and the worker's memory per active generation.
 * Measure 6 now ramps on the realistic scenario (capacity-realistic.ts); this one stays for probes
 * (bench/dev/capacity.ts) and gives cpu-cost its stress scenario.
 *
 * The worker runs alone in a child process (bench/lib/worker-process.ts), so its RSS and CPU are its
 * own: one long-running worker for the whole ramp, warmed up first. The fake model runs in another
 * child; the HTTP API and one polling client per generation run here. Each step starts N generations,
 * spread over `staggerMs` so their tool calls do not all land in the same instant, each streaming
 * `streamMs` at `tokensPerSecond` with a `sleep` tool call every `toolEveryMs`. A step passes when every
 * generation completes, every tool call was timed, and dispatch p99 ≤ `dispatchP99LimitMs`.
 */

export interface CapacityOptions {
  steps: number[];
  scenario: PacedToolsOptions;
  /** Each generation's client polls its events this often. */
  pollMs: number;
  staggerMs: number;
  dispatchP99LimitMs: number;
  /** Extra product configuration (src/config.ts variables) for the worker and the API: tuning experiments. */
  stackEnv?: Record<string, string>;
  /** Extra Node flags for the worker process (profiling). */
  workerNodeArgs?: string[];
  /** Stop the ramp after this many failing steps in a row. */
  stopAfterFailures: number;
  /** A new worker process for every step, instead of one long-running worker for the whole ramp. */
  freshWorkerPerStep: boolean;
}

export interface CapacityStep {
  concurrent: number;
  dispatchP99Ms: number;
  dispatchP50Ms: number;
  dispatchSamples: number;
  /** Dispatch split at the workflow task that scheduled the tool (see DispatchTiming). */
  dispatchParts: { toWorkflowP50Ms: number; toWorkflowP99Ms: number; toToolCodeP50Ms: number; toToolCodeP99Ms: number };
  /** Generations that did not complete (failed, blocked, cancelled, or still running at the deadline). */
  failedGenerations: number;
  httpErrors: number;
  gaps: number;
  /** Worker RSS after its warm-up and a GC, before any step; `rssPerGenerationMB` counts from here. */
  idleRssMB: number;
  /** The same right before this step: what earlier steps left behind. */
  idleBeforeStepRssMB: number;
  /** Peak worker RSS during the step. */
  rssMB: number;
  rssPerGenerationMB: number;
  /** Median and worst time the first turn's stream took at the fake, against `streamMs`. */
  streamMsP50: number;
  streamMsMax: number;
  /** Request → generation.completed, median and worst. */
  generationMsP50: number;
  generationMsMax: number;
  /** Percent of one core, over the step; `machine` is percent of all cores; `others` is what else ran, in percent of one core. */
  cpu: CpuShare & { others: number };
  /** The worker's CPU by thread (percent of one core): a single saturated thread caps the worker before the machine does. */
  workerThreads: ThreadShare;
  setupMs: { workerStart: number; warmup: number };
  /** Means per generation: text.delta events (≈ signals the stream sent), polls its client made, CPU seconds of the worker and of Temporal. */
  perGeneration: { textEvents: number; polls: number; workerCpuSeconds: number; temporalCpuSeconds: number };
  workerLoop: { utilizationMax: number; lagP99MaxMs: number; heapUsedMaxMB: number };
  fakeLoop: { utilizationMax: number; lagP99MaxMs: number };
  passed: boolean;
}

export interface CapacityReport {
  options: CapacityOptions;
  steps: CapacityStep[];
  maxConcurrent: number;
  rssPerGenerationMB: number;
  /** Least-squares slope of peak RSS over concurrency: (peak − idle) / N also carries the worker's fixed growth under any load. */
  rssMarginalMBPerGeneration: number;
  dispatchP99Ms: number;
}

export function capacityOptions(quick: boolean): CapacityOptions {
  return {
    steps: quick ? [10, 25, 50] : [5, 10, 15, 20, 25, 35, 50, 75, 100, 150, 200, 250, 300],
    scenario: { tokensPerSecond: 50, streamMs: quick ? 8000 : 20_000, toolEveryMs: quick ? 1600 : 2000, toolMs: 100 },
    pollMs: 500,
    staggerMs: quick ? 1000 : 2000,
    dispatchP99LimitMs: 250,
    // Quick mode stops at the first failing step; the full ramp allows one noisy step.
    stopAfterFailures: quick ? 1 : 2,
    freshWorkerPerStep: false,
  };
}

export async function runCapacity(temporal: BenchTemporal, options: CapacityOptions, log: (message: string) => void): Promise<CapacityReport> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-capacity-'));
  const bundlePath = path.join(scratch, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, temporal.bundle.code);
  let fake: BenchChild | undefined;
  let worker: MeasuredWorker | undefined;
  try {
    fake = await startChild({
      name: 'fake model',
      entry: 'bench/lib/fake-model-process.ts',
      env: { BENCH_PACED_SCENARIO: JSON.stringify(options.scenario) },
    });
    const fakeUrl = String((await fake.next('ready', 1000)).url);
    const steps: CapacityStep[] = [];
    let failuresInARow = 0;
    for (const [index, concurrent] of options.steps.entries()) {
      if (options.freshWorkerPerStep && worker) {
        await worker.close();
        worker = undefined;
      }
      worker ??= await startMeasuredWorker(temporal, options, { fakeUrl, bundlePath, scratch, index });
      const step = await runStep(temporal, options, worker, fake, concurrent);
      steps.push(step);
      log(
        `capacity ${concurrent}: dispatch p50 ${step.dispatchP50Ms} p99 ${step.dispatchP99Ms} ms (${step.dispatchSamples}; ` +
          `to workflow p99 ${step.dispatchParts.toWorkflowP99Ms}, to tool code p99 ${step.dispatchParts.toToolCodeP99Ms}), ` +
          `failed ${step.failedGenerations}, rss ${step.idleRssMB}→${step.rssMB} MB (${step.rssPerGenerationMB} MB/gen), ` +
          `cpu ${JSON.stringify(step.cpu)}, worker loop ${JSON.stringify(step.workerLoop)}, fake loop ${JSON.stringify(step.fakeLoop)}, ` +
          `stream p50/max ${step.streamMsP50}/${step.streamMsMax} ms${step.passed ? '' : ' FAIL'}`,
      );
      failuresInARow = step.passed ? 0 : failuresInARow + 1;
      if (failuresInARow >= options.stopAfterFailures) break;
    }
    const best = steps.filter((step) => step.passed).sort((a, b) => b.concurrent - a.concurrent)[0];
    // With no passing step, memory and latency still come from a real step: the smallest one tried.
    const reported = best ?? steps[0];
    return {
      options,
      steps,
      maxConcurrent: best?.concurrent ?? 0,
      rssPerGenerationMB: reported?.rssPerGenerationMB ?? Number.NaN,
      rssMarginalMBPerGeneration: round(slope(steps.map((step) => [step.concurrent, step.rssMB])), 2),
      dispatchP99Ms: reported?.dispatchP99Ms ?? Number.NaN,
    };
  } finally {
    await worker?.close().catch((err: unknown) => log(`capacity: closing the worker failed: ${String(err)}`));
    await fake?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The worker process under test, warmed up, with the HTTP API in this process in front of it. */
interface MeasuredWorker {
  child: BenchChild;
  apiUrl: string;
  /** RSS after warm-up and a full GC: what the worker holds with no generation running. */
  idleRssMB: number;
  setupMs: { workerStart: number; warmup: number };
  /** Generations started on it, so what is left running can be terminated. */
  ids: string[];
  close(): Promise<void>;
}

async function startMeasuredWorker(
  temporal: BenchTemporal,
  options: CapacityOptions,
  where: { fakeUrl: string; bundlePath: string; scratch: string; index: number },
): Promise<MeasuredWorker> {
  const env = {
    TEMPORAL_ADDRESS: temporal.env.address,
    ANTHROPIC_API_KEY: 'sk-ant-bench-not-secret',
    ANTHROPIC_BASE_URL: where.fakeUrl,
    TOOLSTREAM_TASK_QUEUE: `toolstream-capacity-${process.pid}-${Date.now()}-${where.index}`,
    TOOLSTREAM_WORKSPACE_DIR: path.join(where.scratch, `workspaces-${where.index}`),
    TOOLSTREAM_TEST_TOOLS: '1',
    ...options.stackEnv,
  };
  const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' });
  const workerStarted = Date.now();
  const child = await startChild({
    name: 'worker',
    entry: 'bench/lib/worker-process.ts',
    env: { ...env, BENCH_WORKFLOW_BUNDLE: where.bundlePath, BENCH_STATS_MS: '500' },
    nodeArgs: ['--expose-gc', ...(options.workerNodeArgs ?? [])],
  });
  const workerStart = Date.now() - workerStarted;
  const ids: string[] = [];
  let api: BenchApi | undefined;
  const close = async (): Promise<void> => {
    await terminateUnfinished(temporal, ids);
    await api?.close();
    await child.stop();
  };
  try {
    api = await startApiOnly(config, temporal.env.connection);
    const warmupStarted = Date.now();
    await warmUp(api.url, ids);
    const warmup = Date.now() - warmupStarted;
    return { child, apiUrl: api.url, idleRssMB: await settledRssMB(child), setupMs: { workerStart, warmup }, ids, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** RSS once a full GC has run and the process had a moment to hand pages back. */
async function settledRssMB(child: BenchChild): Promise<number> {
  await child.request({ type: 'gc' }, 'gc-done', 5000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return readRssMB(child.pid);
}

async function runStep(
  temporal: BenchTemporal,
  options: CapacityOptions,
  worker: MeasuredWorker,
  fake: BenchChild,
  concurrent: number,
): Promise<CapacityStep> {
  const idleBeforeMB = await settledRssMB(worker.child);
  const devServer = childPids(process.pid, 'start-dev')[0];
  const cpu = new CpuWindow({ worker: worker.child.pid, fake: fake.pid, bench: process.pid, ...(devServer ? { temporal: devServer } : {}) });
  const threads = new ThreadCpuWindow(worker.child.pid);
  const rss = new RssSampler(worker.child.pid, 250).start();
  const loopMessagesBefore = worker.child.received('loop').length;
  const fakeLoopMessagesBefore = fake.received('loop').length;

  const { scenario } = options;
  // A generation taking twice its stream has failed the step anyway; past this it is cut off and counted failed.
  const deadline = Date.now() + options.staggerMs + scenario.streamMs * 2 + 15_000;
  const followed = await Promise.all(
    Array.from({ length: concurrent }, async (_, i): Promise<FollowedGeneration & { requestedAt: number }> => {
      await new Promise((resolve) => setTimeout(resolve, (options.staggerMs * i) / concurrent));
      const requestedAt = Date.now();
      let id: string;
      try {
        id = await createGeneration(worker.apiUrl, `[[scenario:paced]] capacity ${concurrent}/${i}`);
      } catch {
        return { id: '', status: 'not started', events: [], httpErrors: 1, gaps: 0, polls: 0, requestedAt };
      }
      worker.ids.push(id);
      return { ...(await followGeneration(worker.apiUrl, id, { pollMs: options.pollMs, deadline })), requestedAt };
    }),
  );
  const peakRssMB = rss.stop();
  const cpuShare = cpu.read();
  const workerThreads = threads.read();
  const summary = await fake.request({ type: 'summary' }, 'summary', 5000);
  await terminateUnfinished(temporal, worker.ids);
  worker.ids.length = 0;

  const timings = followed.flatMap((generation) => dispatchTimings(generation.events));
  const latencies = timings.map((timing) => timing.total).sort((a, b) => a - b);
  const sortedBy = (pick: (timing: DispatchTiming) => number): number[] => timings.map(pick).sort((a, b) => a - b);
  const toWorkflow = sortedBy((timing) => timing.toWorkflow);
  const toToolCode = sortedBy((timing) => timing.toToolCode);
  const expectedSamples = concurrent * toolCallsPerGeneration(scenario);
  const failed = followed.filter((generation) => generation.status !== 'completed').length;
  const streamMs = ((summary.firstTurnMs as number[]) ?? []).sort((a, b) => a - b);
  const generationMs = followed
    .map((generation) => {
      const done = generation.events.find((event) => event.type === 'generation.completed');
      return done ? Date.parse(done.at) - generation.requestedAt : Number.NaN;
    })
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const workerLoop = loopSummary(worker.child.received('loop').slice(loopMessagesBefore));
  const fakeLoop = loopSummary(fake.received('loop').slice(fakeLoopMessagesBefore));
  const dispatchP99Ms = percentile(latencies, 99);
  return {
    concurrent,
    dispatchP99Ms,
    dispatchP50Ms: percentile(latencies, 50),
    dispatchSamples: latencies.length,
    dispatchParts: {
      toWorkflowP50Ms: percentile(toWorkflow, 50),
      toWorkflowP99Ms: percentile(toWorkflow, 99),
      toToolCodeP50Ms: percentile(toToolCode, 50),
      toToolCodeP99Ms: percentile(toToolCode, 99),
    },
    failedGenerations: failed,
    httpErrors: followed.reduce((sum, generation) => sum + generation.httpErrors, 0),
    gaps: followed.reduce((sum, generation) => sum + generation.gaps, 0),
    idleRssMB: round(worker.idleRssMB),
    idleBeforeStepRssMB: round(idleBeforeMB),
    rssMB: round(peakRssMB),
    rssPerGenerationMB: round((peakRssMB - worker.idleRssMB) / concurrent, 2),
    streamMsP50: percentile(streamMs, 50),
    streamMsMax: streamMs[streamMs.length - 1] ?? Number.NaN,
    generationMsP50: percentile(generationMs, 50),
    generationMsMax: generationMs[generationMs.length - 1] ?? Number.NaN,
    cpu: { ...cpuShare, others: othersPercent(cpuShare) },
    workerThreads,
    setupMs: worker.setupMs,
    perGeneration: {
      textEvents: round(mean(followed.map((g) => g.events.filter((event) => event.type === 'text.delta').length))),
      polls: round(mean(followed.map((g) => g.polls))),
      workerCpuSeconds: round(cpuShare.seconds.worker / concurrent, 3),
      temporalCpuSeconds: round((cpuShare.seconds.temporal ?? Number.NaN) / concurrent, 3),
    },
    workerLoop: { utilizationMax: workerLoop.utilizationMax, lagP99MaxMs: workerLoop.lagP99MaxMs, heapUsedMaxMB: workerLoop.heapUsedMaxMB },
    fakeLoop: { utilizationMax: fakeLoop.utilizationMax, lagP99MaxMs: fakeLoop.lagP99MaxMs },
    passed: failed === 0 && latencies.length === expectedSamples && dispatchP99Ms <= options.dispatchP99LimitMs,
  };
}

/** A fresh worker compiles its code on first use: a few short generations first, so the step measures a warm one. */
async function warmUp(url: string, ids: string[]): Promise<void> {
  await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      const id = await createGeneration(url, `[[scenario:warmup]] warm-up ${i}`);
      ids.push(id);
      const followed = await followGeneration(url, id, { pollMs: 100, deadline: Date.now() + 30_000 });
      if (followed.status !== 'completed') throw new Error(`warm-up generation ${id} ended ${followed.status}`);
    }),
  );
}

async function terminateUnfinished(temporal: BenchTemporal, ids: readonly string[]): Promise<void> {
  await Promise.allSettled(
    ids.map(async (id) => {
      const handle = temporal.env.client.workflow.getHandle(`gen-${id}`);
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('capacity benchmark step over');
    }),
  );
}

/** Machine-wide CPU not used by the processes watched: another job on the machine skews a step. */
function othersPercent(cpu: CpuShare): number {
  const ours = Object.values(cpu.processes).reduce((sum, value) => sum + value, 0);
  return round(Math.max(0, cpu.machine * os.cpus().length - ours));
}

function loopSummary(messages: ChildMessage[]): { utilizationMax: number; lagP99MaxMs: number; heapUsedMaxMB: number } {
  const stats = messages as unknown as LoopStats[];
  const max = (pick: (s: LoopStats) => number): number => stats.reduce((best, s) => Math.max(best, pick(s)), 0);
  return { utilizationMax: max((s) => s.utilization), lagP99MaxMs: max((s) => s.lagP99Ms), heapUsedMaxMB: max((s) => s.heapUsedMB) };
}

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const xs = mean(points.map(([x]) => x));
  const ys = mean(points.map(([, y]) => y));
  const spread = points.reduce((sum, [x]) => sum + (x - xs) ** 2, 0);
  return spread === 0 ? Number.NaN : points.reduce((sum, [x, y]) => sum + (x - xs) * (y - ys), 0) / spread;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
