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
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    temporalCli: string;
    /** 1-minute load average at the start and the end of the run: other work on the machine skews every number. */
    loadAverage?: number[];
  };
  /** Concurrent generations ("1", "10", "50") → content_block_stop seen by the activity → the tool's code starting. */
  dispatchLatencyMs: Record<string, LatencySummary>;
  inProcessDispatchLatencyMs: Record<string, LatencySummary>;
  reference: {
    idealMs: number;
    incrementalMs: number;
    afterStreamMs: number;
    inProcessMs: number;
    /** For the timeline picture: per mode, the stream's span and each tool's span, relative to the request. */
    timelines?: Record<string, ReferenceTimeline>;
    /** Quick mode shrinks the scenario's time axis (stream and tool durations) by this factor; 1 in a full run. */
    timeScale?: number;
    /** The ideal computed from each mode's own recorded stream (the streams differ by a few ms). */
    idealByModeMs?: Record<string, number>;
  };
  eventDeliveryMs: LatencySummary & {
    batchMs: number;
    pollMs: number;
    /** The same deliveries timed from the batch's signal leaving the model activity (the batching wait excluded). */
    fromBatchSent?: LatencySummary;
  };
  /** Concurrency → segment of the dispatch path → its distribution, from a sample of generations' histories. */
  dispatchBreakdownMs?: Record<string, Record<string, LatencySummary>>;
  historyEvents: { toolstream: number; workflowStreams: number; outputTokens: number; batchMs: number; subscribers: number };
  fanout: { pollers: number; p99Ms: number; p50Ms: number; errors: number; queriesPerSec: number; pollsPerSec: number };
  capacity: { maxConcurrent: number; rssPerGenerationMB: number; tokensPerSecond: number; dispatchP99Ms: number; tried: { concurrent: number; dispatchP99Ms: number; rssMB: number }[] };
  /** Raw samples some pictures need (latency histograms); kept small. */
  samples?: Record<string, number[]>;
  /** What each measure did in this run: a measure that threw or whose module is absent is named here. */
  measures?: MeasureOutcome[];
  /** Per measure, how it was run (sample counts, rates, what quick mode shrank), for the page. */
  settings?: Record<string, Record<string, string | number | boolean>>;
}

export interface ReferenceTimeline {
  streamStartMs: number;
  streamEndMs: number;
  tools: { name: string; startMs: number; endMs: number }[];
  /** The short model turn that answers the tool results. */
  finalTurn?: { startMs: number; endMs: number };
  /** The mode's wall time: where its generation ended. */
  endMs?: number;
}

export interface MeasureOutcome {
  name: string;
  status: 'ok' | 'error' | 'missing';
  durationMs: number;
  error?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Where latest.json, PERFORMANCE.md's pictures etc. go (bench/results and docs/ for a real run). */
  log(message: string): void;
}
