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
  /** Event delivery over SSE (the push stream), the same stream and clocks as `eventDeliveryMs`. */
  sseDeliveryMs?: LatencySummary & { batchMs: number; fromBatchSent?: LatencySummary };
  /** Many SSE subscribers of one live generation on one API process. */
  sseFanout?: SseFanoutDetails;
  /** Concurrency → segment of the dispatch path → its distribution, from a sample of generations' histories. */
  dispatchBreakdownMs?: Record<string, Record<string, LatencySummary>>;
  historyEvents: { toolstream: number; workflowStreams: number; outputTokens: number; batchMs: number; subscribers: number } & HistoryCostDetails;
  /** p50Ms/p99Ms: each poll's round trip, plain polling only (null for long polls, whose round trip is their wait). */
  fanout: { pollers: number; p99Ms: number | null; p50Ms: number | null; errors: number; queriesPerSec: number; pollsPerSec: number } & FanoutDetails;
  capacity: {
    maxConcurrent: number;
    rssPerGenerationMB: number;
    tokensPerSecond: number;
    dispatchP99Ms: number;
    /** Slope of peak worker RSS against concurrency across the steps: memory each further generation adds. */
    rssMarginalMBPerGeneration?: number;
    tried: ({ concurrent: number; dispatchP99Ms: number; rssMB: number } & Partial<CapacityStepDetail>)[];
    /** The ramp on the realistic scenario (issue 13): every step's dispatch and CPU. */
    ramp?: CapacityRamp;
  };
  /** Issue 13: the same ramp for baseline (c) `@temporalio/workflow-streams` (full runs only). */
  capacityWorkflowStreams?: CapacityRamp;
  /** Issue 13: the same ramp for `npm start` as a new user runs it, API and worker in one process (full runs only). */
  capacityNpmStart?: CapacityRamp;
  /** Issue 13: worker and dev-server CPU per generation-second at a fixed concurrency, ours beside the baselines. */
  cpuCost?: CpuCost;
  /** History and storage per iteration of one long generation whose conversation grows to ~20 MB (quick: ~1 MB). */
  historyAtScale?: HistoryAtScale;
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

/** One scenario's history cost, toolstream vs `@temporalio/workflow-streams` (per generation, all runs). */
export interface HistoryComparison {
  scenario: string;
  toolstream: number;
  workflowStreams: number;
  outputTokens: number;
  toolstreamPer1kTokens: number;
  workflowStreamsPer1kTokens: number;
}

/** Optional detail of the history-cost measure (the required keys describe the scenario with tools). */
export interface HistoryCostDetails {
  toolstreamPer1kTokens?: number;
  workflowStreamsPer1kTokens?: number;
  scenario?: string;
  tokensPerSecond?: number;
  /** Encoded size of the histories, bytes. */
  toolstreamBytes?: number;
  workflowStreamsBytes?: number;
  /** Event counts by type, e.g. WORKFLOW_EXECUTION_SIGNALED. */
  byType?: { toolstream: Record<string, number>; workflowStreams: Record<string, number> };
  textOnly?: HistoryComparison;
  /** (c) on the same scenario with one subscriber (a server fanning one subscription out to its clients). */
  workflowStreamsOneSubscriber?: number;
  /** Text delta seen in the activity → seen by a poller / subscriber, over the runs above. */
  deliveryMs?: { toolstream: LatencySummary; workflowStreams: LatencySummary };
}

/** Optional detail of the fan-out measure. */
export interface FanoutDetails {
  p95Ms?: number;
  maxMs?: number;
  durationMs?: number;
  clientProcesses?: number;
  polls?: number;
  queries?: number;
  /** The API process's event-loop delay while the pollers ran. */
  serverLoopDelayP99Ms?: number;
  /** The API process's CPU use, percent of one core. */
  serverCpuPercent?: number;
  /** Worst child process's own event-loop delay: high means client-side queueing. */
  clientLoopDelayP99Ms?: number;
  /** text.delta seen in the activity (the batch's first delta) → read by a poller, every delta, every poller. */
  deliveryMs?: LatencySummary;
  /** The signal carrying the text batch left the model activity → read by a poller, every delta, every poller. */
  deliveryFromSentMs?: LatencySummary;
  /** 'long-poll' (`events?wait=waitMs`, the default) or 'poll' (plain polling every 100 ms, FANOUT_WAIT_MS=0). Absent: plain polling. */
  mode?: 'long-poll' | 'poll';
  waitMs?: number;
  unfinished?: number;
  /** Events the pollers read, all together. */
  deliveredEvents?: number;
  /** The bench process's CPU (the API, and the worker and fake model it also runs) per request and per event a poller read. */
  apiCpuUsPerRequest?: number;
  apiCpuUsPerDeliveredEvent?: number;
  /** Polls over 100 ms, by when they happened: the first second of polling, ±1 s around the generation's end, or the rest. */
  slowPolls?: { total: number; firstSecond: number; aroundFinish: number; steady: number };
  /** The Temporal dev server's CPU use, percent of one core. */
  temporalCpuPercent?: number;
  /** CPU used by programs other than the bench's own (percent of one core): high means a noisy run. */
  otherCpuPercent?: number;
}

/** Optional per-step detail of the capacity ramp: what the machine spent, to say what limits capacity. */
export interface CapacityStepDetail {
  dispatchP50Ms: number;
  /** Dispatch split at the workflow task that scheduled the tool: tool.detected → that task started (signal trip), → tool code (worker). */
  dispatchParts: { toWorkflowP50Ms: number; toWorkflowP99Ms: number; toToolCodeP50Ms: number; toToolCodeP99Ms: number };
  failedGenerations: number;
  /** Percent of one core over the step, per process; `otherLoad` is what other jobs on the machine used. */
  cpuPercent: { worker: number; workerMainThread: number; workerWorkflowThread: number; temporal: number; fakeModel: number; bench: number; otherLoad: number };
  /** CPU seconds per generation (worker, Temporal dev server), and the text signals each generation sent. */
  perGeneration: { workerCpuSeconds: number; temporalCpuSeconds: number; textEvents: number };
}

/** One iteration of the history-at-scale generation: what it added to the workflow history and to the store. */
export interface HistoryAtScaleIteration {
  iteration: number;
  /** Encoded size of the history events attributed to this iteration (see the measure for the attribution). */
  historyBytes: number;
  historyEvents: number;
  /** Largest single Payload (encoded, metadata included) in any of those events. */
  largestPayloadBytes: number;
  /** Growth of the store directory during this iteration (files by mtime); 0 when there is no store. */
  storedBytes: number;
  /** UTF-8 bytes of the content this iteration added to the conversation: the file written plus the same file read back. */
  newContentBytes: number;
  /** storedBytes / newContentBytes; absent for an iteration without new content (the closing turn). */
  storedPerNewContent?: number;
}

/** A summary of a list of ratios: how steady they are. */
export interface RatioSpread {
  mean: number;
  min: number;
  max: number;
  /** Standard deviation / mean. */
  cv: number;
  /** Iterations summarized. */
  count: number;
  /** Mean of the second half over the mean of the first: above 1 when what is stored per new byte grows with the conversation. */
  growth: number;
}

export interface HistoryAtScale {
  /** Iterations that write and read back a file; a closing turn follows, so a complete run counts one more. */
  iterationsPlanned: number;
  /** Iterations whose model turn completed (`iteration.completed` seen through the API), the closing turn included. */
  iterationsCompleted: number;
  /** Bytes of each file written (and read back) per iteration. */
  fileBytes: number;
  /** How the generation ended: `completed`, or how it did not (the generation's status, or `stalled`). */
  outcome: string;
  /** When it did not complete: where and how it broke (the last workflow task failure, if any). */
  breakage?: string;
  /** The per-iteration budget: no new `iteration.completed` within it counts as stalled. */
  iterationTimeoutMs: number;
  wallMs: number;
  runs: number;
  totalHistoryBytes: number;
  totalHistoryEvents: number;
  /** Largest single Payload anywhere in the history (all runs). */
  largestPayloadBytes: number;
  payloadThresholdBytes: number;
  /** The directory whose growth counts as stored bytes, and whether it existed after the run. */
  storeDir: { path: string; existed: boolean; totalBytes: number; files: number };
  /** Mean history bytes per iteration over the first / last `flatWindow` completed iterations (the closing turn excluded). */
  flatWindow: number;
  historyBytesFirstMean: number;
  historyBytesLastMean: number;
  /** historyBytesLastMean / historyBytesFirstMean: flat is ≤ 1.2. */
  historyGrowth: number;
  /** storedBytes / newContentBytes over the iterations with new content; undefined when nothing was stored. */
  storedPerNewContent?: RatioSpread;
  iterations: HistoryAtScaleIteration[];
}

/** A recorded run of history-at-scale kept beside the live figures (bench/baselines/old-design-history.json). */
export interface HistoryAtScaleBaseline {
  label: string;
  recordedAt: string;
  commit: string;
  note: string;
  machine?: BenchResults['machine'];
  historyAtScale: HistoryAtScale;
}

export interface BenchContext {
  quick: boolean;
  /** Where latest.json, PERFORMANCE.md's pictures etc. go (bench/results and docs/ for a real run). */
  log(message: string): void;
}

export interface SseFanoutDetails {
  subscribers: number;
  /** Streams that failed, dropped, fell behind (snapshot), or saw a seq out of order. */
  errors: number;
  unfinished: number;
  /** Delivery of live text deltas, from the batch leaving the activity to each subscriber. */
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  deliveryFromSentMs: LatencySummary;
  deliveryFromFirstDeltaMs: LatencySummary;
  connectMs: LatencySummary;
  eventsPerSubscriber: string;
  /** The reader's counter: most eventsQuery calls in flight at once for the generation (1 = one query stream). */
  maxQueriesInFlightPerGeneration: number;
  queries: number;
  queriesPerSec: number;
  durationMs: number;
  clientProcesses: number;
  serverCpuPercent: number;
  serverLoopDelayP99Ms: number;
  clientLoopDelayP99Ms: number;
}

/** CPU of one system on one scenario at the cpu-cost measure's concurrency. */
export interface CpuCostEntry {
  workerCpuMsPerGenerationSecond: number;
  /** 0 for (a), which has no Temporal server. */
  devServerCpuMsPerGenerationSecond: number;
  dispatchP50Ms: number;
  dispatchP99Ms: number;
  failedGenerations: number;
  generationSeconds: number;
  /** Percent of one core over the step. */
  workerCpuPercent: number;
  devServerCpuPercent: number;
  /** CPU of everything else on the machine, percent of one core (see CapacityRampStep). */
  otherLoadPercent?: number;
}

export type CpuCostSystem = 'ours' | 'workflowStreams' | 'inProcess';

export interface CpuCost {
  /** When it ran: a page may merge measures from different runs. */
  measuredAt?: string;
  concurrent: number;
  scenarios: Record<'stress' | 'realistic', Partial<Record<CpuCostSystem, CpuCostEntry>>>;
}

/** What every load step at N concurrent generations is judged by: all complete, dispatch p99 within the limit. */
export interface DispatchStepOutcome {
  concurrent: number;
  passed: boolean;
  failedGenerations: number;
  dispatchP50Ms: number;
  dispatchP99Ms: number;
  dispatchSamples: number;
  expectedSamples: number;
}

/** One step of a capacity ramp on the realistic scenario. */
export interface CapacityRampStep extends DispatchStepOutcome {
  /** Block stop seen → tool code start (for (c) this includes waiting for the turn's end). */
  fromBlockStopP99Ms: number;
  /** Percent of one core over the step. */
  workerCpuPercent: number;
  devServerCpuPercent: number;
  /** CPU of everything else on the machine (other jobs; not the bench, its fake model or the system), percent of one core: a noisy step. */
  otherLoadPercent?: number;
  workerCpuMsPerGenerationSecond: number;
  devServerCpuMsPerGenerationSecond: number;
  /** Peak worker RSS during the step, and before it. */
  rssMB: number;
  rssBeforeMB: number;
  wallSeconds: number;
}

/** Capacity of one system by doubling then bisection (bench/lib/capacity-ramp.ts). */
export interface CapacityRamp {
  /** When the ramp started: a page may merge measures from different runs. */
  measuredAt?: string;
  system: string;
  scenario: string;
  maxConcurrent: number;
  firstFailed?: number;
  ended: 'resolved' | 'max reached' | 'time budget';
  dispatchP99LimitMs: number;
  /** What dispatch is timed from for this system. */
  dispatchFrom: string;
  steps: CapacityRampStep[];
  wallMs: number;
}

/** A recorded cpu-cost (and capacity) run kept beside the live figures (bench/baselines/cpu-cost-before-issue-13.json). */
export interface CpuCostBaseline {
  label: string;
  recordedAt: string;
  commit: string;
  note: string;
  machine?: BenchResults['machine'];
  cpuCost: CpuCost;
  capacity?: CapacityRamp;
  capacityNpmStart?: CapacityRamp;
}
