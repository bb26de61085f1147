/** Percentiles of one latency distribution, in milliseconds, with how many samples they summarize. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  samples: number;
}

/**
 * `bench/results/latest.json`: other tools read it, so its shape is a contract (issue 4 lists the
 * required keys). Every measure fills its own part; `run.ts` merges them.
 */
export interface BenchResults {
  quick: boolean;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; temporalCli: string };
  /** Concurrent generations ("1", "10", "50") → content_block_stop seen by the activity → the tool's code starting. */
  dispatchLatencyMs: Record<string, LatencySummary>;
  inProcessDispatchLatencyMs: Record<string, LatencySummary>;
  reference: {
    idealMs: number;
    incrementalMs: number;
    afterStreamMs: number;
    inProcessMs: number;
    /** For the timeline picture: per mode, the stream's span and each tool's span, relative to the request. */
    timelines?: Record<string, { streamStartMs: number; streamEndMs: number; tools: { name: string; startMs: number; endMs: number }[] }>;
  };
  eventDeliveryMs: LatencySummary & { batchMs: number; pollMs: number };
  historyEvents: { toolstream: number; workflowStreams: number; outputTokens: number; batchMs: number; subscribers: number };
  fanout: { pollers: number; p99Ms: number; p50Ms: number; errors: number; queriesPerSec: number; pollsPerSec: number };
  capacity: {
    maxConcurrent: number;
    rssPerGenerationMB: number;
    tokensPerSecond: number;
    dispatchP99Ms: number;
    /** Slope of peak worker RSS against concurrency across the steps: memory each further generation adds. */
    rssMarginalMBPerGeneration?: number;
    tried: ({ concurrent: number; dispatchP99Ms: number; rssMB: number } & Partial<CapacityStepDetail>)[];
  };
  /** Raw samples some pictures need (latency histograms); kept small. */
  samples?: Record<string, number[]>;
}

/** Optional per-step detail of the capacity ramp: what the machine spent, to say what limits capacity. */
export interface CapacityStepDetail {
  dispatchP50Ms: number;
  failedGenerations: number;
  /** Percent of one core over the step, per process; `otherLoad` is what other jobs on the machine used. */
  cpuPercent: { worker: number; workerMainThread: number; workerWorkflowThread: number; temporal: number; fakeModel: number; bench: number; otherLoad: number };
  /** CPU seconds per generation (worker, Temporal dev server), and the text signals each generation sent. */
  perGeneration: { workerCpuSeconds: number; temporalCpuSeconds: number; textEvents: number };
}

export interface BenchContext {
  quick: boolean;
  /** Where latest.json, PERFORMANCE.md's pictures etc. go (bench/results and docs/ for a real run). */
  log(message: string): void;
}
