import type { PacedToolsOptions } from './paced-tools-scenario';
import { toolCallsPerGeneration } from './paced-tools-scenario';
import { realisticPrompt, realisticToolCalls, type RealisticOptions } from './realistic-scenario';

/**
 * A system the load measures (cpu-cost, the capacity ramps) drive: ours, `npm start`, or a baseline.
 * Each runs its "worker" (whatever does the generation's work) in a process of its own, so its CPU is
 * its own; `devServerPid` is the Temporal server it uses (none for the in-process loop).
 */
export interface LoadTarget {
  label: string;
  workerPid: number;
  devServerPid: number | undefined;
  /** What "dispatch" is timed from for this system (the page says it). */
  dispatchFrom: string;
  /** Runs `count` generations of `scenario`, their starts spread evenly over `staggerMs`; gives up on any still running at `deadline`. */
  runBatch(scenario: LoadScenarioName, count: number, options: BatchOptions): Promise<BatchResult>;
  close(): Promise<void>;
}

export type LoadScenarioName = 'stress' | 'realistic';

export interface LoadScenarios {
  stress: PacedToolsOptions;
  realistic: RealisticOptions;
}

export interface BatchOptions {
  staggerMs: number;
  deadline: number;
  /** Tells generations of different batches apart (prompts, ids). */
  batchId: string;
}

export interface BatchResult {
  /** Per generation: completed in time, and request → completion (or → giving up). */
  generations: { ok: boolean; durationMs: number }[];
  /** Tool dispatch per call, as `dispatchFrom` defines it. */
  dispatchMs: number[];
  /** Per call, the model's block stop seen → the tool's code starting, whatever the design (for (c) this includes the wait for the turn's end). */
  fromBlockStopMs: number[];
}

export function toolCallsFor(scenarios: LoadScenarios, scenario: LoadScenarioName): number {
  return scenario === 'stress' ? toolCallsPerGeneration(scenarios.stress) : realisticToolCalls(scenarios.realistic);
}

/** The `i`th generation's prompt: the realistic scenario's jitter is seeded by `i`, so every system streams the same. */
export function loadPrompt(scenario: LoadScenarioName, i: number, batchId: string): string {
  return scenario === 'stress' ? `[[scenario:stress]] load ${batchId}/${i}` : realisticPrompt(i, `load ${batchId}`);
}

export function staggered<T>(count: number, staggerMs: number, run: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, (staggerMs * i) / count));
      return run(i);
    }),
  );
}
