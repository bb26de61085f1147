import os from 'node:os';
import { toolCallsFor, type LoadScenarioName, type LoadScenarios, type LoadTarget } from './load-target';
import { CpuWindow, readRssMB, RssSampler } from './process-stats';
import { realisticStreamMs } from './realistic-scenario';
import type { DispatchStepOutcome } from './results';
import { percentile } from './stats';

/** One batch of N concurrent generations on one system: its dispatch latency and what it cost. */
export interface LoadStep extends DispatchStepOutcome {
  scenario: LoadScenarioName;
  /** Block stop seen → tool code start, whatever the design: the head start a design keeps. */
  fromBlockStopP50Ms: number;
  fromBlockStopP99Ms: number;
  /** Sum over generations of request → completion, seconds: what CPU is normalized by. */
  generationSeconds: number;
  wallSeconds: number;
  cpuSeconds: { worker: number; devServer: number };
  /** Percent of one core over the step; `machine` is percent of all cores; `others` is what else ran on the machine (not the bench, its fake model or the system under test), percent of one core. */
  cpuPercent: { worker: number; devServer: number; machine: number; others: number };
  /** CPU milliseconds per generation-second. */
  perGenerationSecond: { workerCpuMs: number; devServerCpuMs: number };
  workerRssMB: { before: number; peak: number };
}

export interface LoadStepOptions {
  staggerMs: number;
  dispatchP99LimitMs: number;
  /** The fake model's process, so its CPU is not counted as other load. */
  modelPid?: number;
}

/** How long one generation of the scenario should take with no overhead: its streams and its tools. */
export function nominalGenerationMs(scenarios: LoadScenarios, scenario: LoadScenarioName): number {
  if (scenario === 'stress') return scenarios.stress.streamMs + scenarios.stress.toolMs + 500;
  return realisticStreamMs(scenarios.realistic) + scenarios.realistic.iterations * scenarios.realistic.toolMs;
}

let batches = 0;

export async function runLoadStep(
  target: LoadTarget,
  scenarios: LoadScenarios,
  scenario: LoadScenarioName,
  concurrent: number,
  options: LoadStepOptions,
): Promise<LoadStep> {
  // A generation taking twice its nominal time has failed the step anyway; past this it is cut off and counted failed.
  const deadline = Date.now() + options.staggerMs + nominalGenerationMs(scenarios, scenario) * 2 + 20_000;
  const rssBefore = readRssMB(target.workerPid);
  const cpu = new CpuWindow({
    worker: target.workerPid,
    bench: process.pid,
    ...(target.devServerPid ? { devServer: target.devServerPid } : {}),
    ...(options.modelPid ? { model: options.modelPid } : {}),
  });
  const rss = new RssSampler(target.workerPid, 500).start();
  const started = performance.now();
  const batch = await target.runBatch(scenario, concurrent, { staggerMs: options.staggerMs, deadline, batchId: `${++batches}-${concurrent}` });
  const wallSeconds = (performance.now() - started) / 1000;
  const share = cpu.read();
  const peak = rss.stop();

  const dispatch = [...batch.dispatchMs].sort((a, b) => a - b);
  const fromBlockStop = [...batch.fromBlockStopMs].sort((a, b) => a - b);
  const failedGenerations = batch.generations.filter((generation) => !generation.ok).length;
  const expectedSamples = concurrent * toolCallsFor(scenarios, scenario);
  const generationSeconds = batch.generations.reduce((sum, generation) => sum + generation.durationMs, 0) / 1000;
  const workerSeconds = share.seconds.worker;
  const devServerSeconds = share.seconds.devServer ?? 0;
  const dispatchP99Ms = round(percentile(dispatch, 99));
  return {
    concurrent,
    scenario,
    passed: failedGenerations === 0 && dispatch.length === expectedSamples && dispatchP99Ms <= options.dispatchP99LimitMs,
    failedGenerations,
    dispatchP50Ms: round(percentile(dispatch, 50)),
    dispatchP99Ms,
    dispatchSamples: dispatch.length,
    expectedSamples,
    fromBlockStopP50Ms: round(percentile(fromBlockStop, 50)),
    fromBlockStopP99Ms: round(percentile(fromBlockStop, 99)),
    generationSeconds: round(generationSeconds),
    wallSeconds: round(wallSeconds),
    cpuSeconds: { worker: workerSeconds, devServer: devServerSeconds },
    cpuPercent: {
      worker: share.processes.worker,
      devServer: share.processes.devServer ?? 0,
      machine: share.machine,
      others: round(Math.max(0, share.machine * os.cpus().length - Object.values(share.processes).reduce((sum, value) => sum + value, 0))),
    },
    perGenerationSecond: {
      workerCpuMs: round((workerSeconds * 1000) / generationSeconds),
      devServerCpuMs: round((devServerSeconds * 1000) / generationSeconds),
    },
    workerRssMB: { before: round(rssBefore), peak: round(peak) },
  };
}

export function describeStep(label: string, step: LoadStep): string {
  return (
    `${label}, ${step.scenario}, ${step.concurrent} concurrent: dispatch p50 ${step.dispatchP50Ms} p99 ${step.dispatchP99Ms} ms ` +
    `(${step.dispatchSamples}/${step.expectedSamples}; from block stop p99 ${step.fromBlockStopP99Ms}), failed ${step.failedGenerations}, ` +
    `CPU ms per generation-second: worker ${step.perGenerationSecond.workerCpuMs}, dev server ${step.perGenerationSecond.devServerCpuMs} ` +
    `(worker ${step.cpuPercent.worker} %, dev server ${step.cpuPercent.devServer} %, machine ${step.cpuPercent.machine} %, other load ${step.cpuPercent.others} % of a core), ` +
    `${step.generationSeconds} generation-s in ${step.wallSeconds} s${step.passed ? '' : ' FAIL'}`
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
