import { QueryRejectedError, WorkflowClient, WorkflowFailedError, WorkflowNotFoundError, type Connection, type WorkflowHandle } from '@temporalio/client';
import { eventsQuery, type EventsQueryArgs } from '../shared/definitions';
import { EventLog, maxEventPageSize, type EventPage } from '../shared/event-log';
import { isLegacyResult, workflowIdFor, type GenerationResult } from '../shared/generation';
import type { EventLogArchive } from '../storage/event-log-archive';
import type { Storage } from '../storage/storage';
import type { GenerationState } from '../shared/state';
import { defaultBusyRetry, retryWhileBusy, type BusyRetryOptions } from './busy-retry';
import { InFlightCalls } from './in-flight-calls';
import { notFound, serviceUnavailable } from './http-error';
import { applyPage } from './mirror-page';
import { temporalHttpError } from './temporal-errors';

/** The one call that reads a workflow's events; tests replace it to play Temporal refusing. */
export type EventsQueryFn = (handle: WorkflowHandle, args: EventsQueryArgs) => Promise<EventPage>;

export interface GenerationReaderOptions {
  connection: Connection;
  namespace: string;
  /** The data converter (claim check) and the archive of finished runs' event logs. */
  storage: Storage;
  eventLogs: EventLogArchive;
  /** Events each mirror keeps: the buffer size generations are started with, so gaps fall where the workflow's do. */
  eventBufferSize: number;
  /** A refresh younger than this is served as is. */
  refreshTtlMs?: number;
  /** How long a closed generation is served before checking it was not continued by a new run. */
  closedRecheckMs?: number;
  /** Mirrors nobody read for this long are dropped. */
  idleEvictMs?: number;
  /** At most this many mirrors; the least recently read goes first. */
  maxMirrors?: number;
  /** How often a quiet live generation is checked for problems Temporal reports. */
  problemCheckMs?: number;
  /** Deadline of each Temporal call, including the connection's own retries. */
  rpcTimeoutMs?: number;
  busyRetry?: BusyRetryOptions;
  queryEvents?: EventsQueryFn;
}

/** Counters for tests and benchmarks: what reached Temporal, and what the mirrors did. */
export interface ReaderStats {
  /** `eventsQuery` calls sent to Temporal, retries included. */
  queries: number;
  /** Calls repeated because Temporal answered RESOURCE_EXHAUSTED. */
  busyRetries: number;
  /** Mirrors built anew from a page: the first read, a gap, or a restarted seq. */
  rebuilds: number;
  /** Closed generations loaded from their workflow result. */
  resultLoads: number;
  /** Describe calls checking that a closed generation is still the same closed run. */
  closedChecks: number;
  evictions: number;
  /**
   * The most `eventsQuery` calls ever in flight at once for one generation: 1 means every reader of a
   * generation (pollers, SSE streams, long polls) shared one query stream to Temporal.
   */
  maxQueriesInFlightPerGeneration: number;
}

/** State as served: the fold of the events, and what Temporal reports about the workflow when something is wrong. */
export type ServedState = GenerationState & {
  /** Present when Temporal reports the workflow's tasks keep failing (TemporalReportedProblems): the generation cannot move on by itself. */
  problem?: string;
};

interface Mirror {
  log: EventLog | undefined;
  /** When the mirror last saw a new event: a live generation quiet for long is checked for problems. */
  changedAt: number;
  problem: string | null;
  problemCheckedAt: number;
  /** Events the log keeps: the configured buffer size, or a closed run's own. */
  capacity: number;
  /** Set while the generation is served from a closed run: the run whose result or replay built `log`. */
  closedRunId: string | undefined;
  /** When the last successful refresh started: the mirror is at least as new as Temporal was then. */
  refreshedAt: number;
  lastReadAt: number;
  refreshing: Promise<void> | undefined;
}

const defaults = {
  refreshTtlMs: 25,
  closedRecheckMs: 3_000,
  idleEvictMs: 60_000,
  maxMirrors: 1_000,
  rpcTimeoutMs: 10_000,
  problemCheckMs: 5_000,
};

/** Safety net for a workflow whose log never catches up (it cannot: each page moves the mirror on). */
const maxPagesPerRefresh = 1_000;

/** FAILED_PRECONDITION: Temporal's answer to a query while the workflow task is in a failed state. */
function isWorkflowTaskFailing(err: unknown): boolean {
  for (let cause: unknown = err; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === 9 && /Workflow Task in failed state/i.test(cause.message)) return true;
  }
  return false;
}

/** The system search attribute Temporal sets on a workflow whose tasks keep failing. */
const reportedProblemsAttribute = 'TemporalReportedProblems';

const queryEventsByDefinition: EventsQueryFn = (handle, args) => handle.query(eventsQuery, args);

/**
 * Serves generation state and event pages from a local mirror of each workflow's event log, so any
 * number of pollers of one generation cost Temporal about one query per `refreshTtlMs`: concurrent
 * reads share one in-flight refresh (single flight), and a refresh younger than the TTL is reused.
 * The mirror is the workflow's EventLog rebuilt from its pages, so pages and gaps read exactly as the
 * workflow's own. A closed generation is loaded once from its workflow result (no worker needed) and
 * rechecked every `closedRecheckMs` with one describe call, in case a new run continued it; the
 * server that starts such a run calls `invalidate` to see it at once.
 */
export class GenerationReader {
  readonly stats: ReaderStats = { queries: 0, busyRetries: 0, rebuilds: 0, resultLoads: 0, closedChecks: 0, evictions: 0, maxQueriesInFlightPerGeneration: 0 };
  /** eventsQuery calls in flight, by workflow id (for `maxQueriesInFlightPerGeneration`). */
  private readonly queriesInFlight = new Map<string, number>();
  private readonly liveClient: WorkflowClient;
  private readonly replayClient: WorkflowClient;
  private readonly mirrors = new Map<string, Mirror>();
  private readonly settings: typeof defaults;
  private readonly queryEvents: EventsQueryFn;
  private lastSweepAt = Date.now();
  private readonly calls: InFlightCalls;

  constructor(private readonly options: GenerationReaderOptions) {
    // Queries on closed workflows are rejected rather than replayed: their result has everything.
    const clientOptions = { connection: options.connection, namespace: options.namespace, dataConverter: options.storage.dataConverter };
    this.liveClient = new WorkflowClient({ ...clientOptions, queryRejectCondition: 'NOT_OPEN' });
    this.replayClient = new WorkflowClient(clientOptions);
    this.settings = {
      refreshTtlMs: options.refreshTtlMs ?? defaults.refreshTtlMs,
      closedRecheckMs: options.closedRecheckMs ?? defaults.closedRecheckMs,
      idleEvictMs: options.idleEvictMs ?? defaults.idleEvictMs,
      maxMirrors: options.maxMirrors ?? defaults.maxMirrors,
      rpcTimeoutMs: options.rpcTimeoutMs ?? defaults.rpcTimeoutMs,
      problemCheckMs: options.problemCheckMs ?? defaults.problemCheckMs,
    };
    this.queryEvents = options.queryEvents ?? queryEventsByDefinition;
    this.calls = new InFlightCalls(options.connection);
  }

  /** How many generations are mirrored right now. */
  get size(): number {
    return this.mirrors.size;
  }

  async state(id: string): Promise<ServedState> {
    const mirror = await this.current(id);
    const state = (mirror.log as EventLog).state;
    return mirror.problem === null ? state : { ...state, problem: mirror.problem };
  }

  async events(id: string, after: number, limit: number): Promise<EventPage> {
    return ((await this.current(id)).log as EventLog).read(after, limit);
  }

  /**
   * The page as the mirror holds it now, without asking Temporal (undefined when the generation is not
   * mirrored): for a generation's follower, which has just refreshed the mirror and hands the pages to
   * its subscribers. Every other read goes through `events`, which refreshes a stale mirror first.
   */
  mirroredEvents(id: string, after: number, limit: number): EventPage | undefined {
    const mirror = this.mirrors.get(id);
    if (!mirror?.log) return undefined;
    mirror.lastReadAt = Date.now();
    return mirror.log.read(after, limit);
  }

  /** Forgets a generation, so the next read asks Temporal afresh: call it when a new run takes over its workflow id. */
  invalidate(id: string): void {
    this.mirrors.delete(id);
  }

  private async current(id: string): Promise<Mirror> {
    const now = Date.now();
    this.sweep(now);
    const mirror = this.touch(id, now);
    if (!mirror.refreshing && this.isStale(mirror, now)) {
      mirror.refreshing = this.refresh(id, mirror).finally(() => {
        mirror.refreshing = undefined;
      });
    }
    if (mirror.refreshing) {
      try {
        await mirror.refreshing;
      } catch (err) {
        // Unknown ids and first reads that failed leave nothing behind.
        if (!mirror.log && this.mirrors.get(id) === mirror) this.mirrors.delete(id);
        // A workflow Temporal reports as stuck is served as far as it got, with the problem, rather than as an error.
        if (!mirror.log || !(await this.checkProblem(id, mirror, Date.now()))) throw err;
      }
    }
    return mirror;
  }

  /**
   * Reads Temporal's report of a workflow whose tasks keep failing (the TemporalReportedProblems
   * search attribute), at most every `problemCheckMs` and only for a generation quiet that long:
   * one describe call, not one per read. Returns whether a problem is reported.
   */
  private async checkProblem(id: string, mirror: Mirror, now: number): Promise<boolean> {
    if (now - mirror.problemCheckedAt < this.settings.problemCheckMs) return mirror.problem !== null;
    mirror.problemCheckedAt = now;
    try {
      const description = await this.call(() => this.liveClient.getHandle(workflowIdFor(id)).describe());
      const reported = description.searchAttributes[reportedProblemsAttribute];
      mirror.problem = Array.isArray(reported) && reported.length > 0 ? `Temporal reports this generation's workflow task keeps failing: ${reported.join(', ')}` : null;
    } catch {
      // Temporal could not say: whatever was known stays.
    }
    return mirror.problem !== null;
  }

  private isStale(mirror: Mirror, now: number): boolean {
    if (!mirror.log) return true;
    // A stuck workflow cannot answer queries: it is rechecked (one describe) only every problemCheckMs.
    if (mirror.problem !== null) return now - mirror.problemCheckedAt >= this.settings.problemCheckMs;
    const ttl = mirror.closedRunId === undefined ? this.settings.refreshTtlMs : this.settings.closedRecheckMs;
    return now - mirror.refreshedAt >= ttl;
  }

  private async refresh(id: string, mirror: Mirror): Promise<void> {
    const startedAt = Date.now();
    const workflowId = workflowIdFor(id);
    const seqBefore = mirror.log?.state.lastSeq;
    if (mirror.problem !== null && (await this.checkProblem(id, mirror, startedAt))) {
      mirror.refreshedAt = startedAt;
      return;
    }
    try {
      let from = mirror.log;
      if (mirror.closedRunId !== undefined) {
        if (await this.stillClosed(workflowId, mirror.closedRunId)) {
          mirror.refreshedAt = startedAt;
          return;
        }
        // Another run took over the workflow id: read it from the start, whatever its numbering.
        mirror.closedRunId = undefined;
        from = undefined;
      }
      try {
        await this.pull(workflowId, mirror, this.liveClient, from);
      } catch (err) {
        if (!(err instanceof QueryRejectedError)) throw err;
        await this.loadClosed(workflowId, mirror);
      }
      mirror.refreshedAt = startedAt;
      if (mirror.log && mirror.log.state.lastSeq !== seqBefore) {
        mirror.changedAt = startedAt;
        mirror.problem = null;
      } else if (mirror.closedRunId === undefined && startedAt - mirror.changedAt >= this.settings.problemCheckMs) {
        await this.checkProblem(id, mirror, startedAt);
      }
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound(`Generation ${id}`);
      if (isWorkflowTaskFailing(err)) {
        // Temporal refuses queries while the workflow task keeps failing: that is the generation's problem, not the API's.
        mirror.problemCheckedAt = Number.NEGATIVE_INFINITY;
        if (!(await this.checkProblem(id, mirror, startedAt))) {
          mirror.problem = `Temporal cannot read this generation: its workflow task keeps failing (${(err as Error).message})`;
        }
        if (mirror.log) {
          mirror.refreshedAt = startedAt;
          return;
        }
        throw serviceUnavailable('workflow_task_failing', mirror.problem ?? 'The workflow task keeps failing', 5);
      }
      throw temporalHttpError(err) ?? err;
    }
  }

  /**
   * Queries pages after `from`'s lastSeq (from seq 0 without one) until the log has everything the
   * workflow had. Pages that continue `from` are appended to it; a log built anew replaces the
   * mirror's only once caught up.
   */
  private async pull(workflowId: string, mirror: Mirror, client: WorkflowClient, from: EventLog | undefined): Promise<void> {
    const handle = client.getHandle(workflowId);
    let log = from;
    let capacity = from ? mirror.capacity : this.options.eventBufferSize;
    for (let pages = 0; pages < maxPagesPerRefresh; pages++) {
      const page = await this.call(() => {
        this.stats.queries++;
        return this.countedQuery(workflowId, () => this.queryEvents(handle, { after: log?.state.lastSeq ?? 0, limit: maxEventPageSize }));
      });
      const update = applyPage(log, page, capacity);
      if (update.kind === 'restart') {
        log = undefined;
        capacity = this.options.eventBufferSize;
        continue;
      }
      if (update.kind === 'rebuilt') this.stats.rebuilds++;
      log = update.log;
      if (log.state.lastSeq >= page.lastSeq) {
        mirror.log = log;
        mirror.capacity = capacity;
        return;
      }
    }
    throw new Error(`the event mirror of ${workflowId} did not catch up in ${maxPagesPerRefresh} pages`);
  }

  private async countedQuery<T>(workflowId: string, query: () => Promise<T>): Promise<T> {
    const inFlight = (this.queriesInFlight.get(workflowId) ?? 0) + 1;
    this.queriesInFlight.set(workflowId, inFlight);
    this.stats.maxQueriesInFlightPerGeneration = Math.max(this.stats.maxQueriesInFlightPerGeneration, inFlight);
    try {
      return await query();
    } finally {
      const left = (this.queriesInFlight.get(workflowId) ?? 1) - 1;
      if (left > 0) this.queriesInFlight.set(workflowId, left);
      else this.queriesInFlight.delete(workflowId);
    }
  }

  /** The workflow is closed: serve its result, or, if it closed without one (terminated), a replay. */
  private async loadClosed(workflowId: string, mirror: Mirror): Promise<void> {
    const description = await this.call(() => this.liveClient.getHandle(workflowId).describe());
    if (description.status.name === 'RUNNING') {
      // A new run took over between the rejected query and now.
      await this.pull(workflowId, mirror, this.liveClient, undefined);
      return;
    }
    let result: GenerationResult | undefined;
    try {
      const run = this.liveClient.getHandle(workflowId, description.runId, { followRuns: false });
      result = (await this.call(() => run.result())) as GenerationResult;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
    }
    if (result) {
      const snapshot = isLegacyResult(result) ? result.log : await this.options.eventLogs.load(result.eventLog.key);
      mirror.log = new EventLog(snapshot.capacity, snapshot);
      mirror.capacity = snapshot.capacity;
      this.stats.resultLoads++;
    } else {
      await this.pull(workflowId, mirror, this.replayClient, undefined);
    }
    mirror.closedRunId = description.runId;
  }

  /**
   * Whether the closed run a mirror was built from is still the workflow's latest. If Temporal cannot
   * say, the closed run's data is still right, so it goes on being served.
   */
  private async stillClosed(workflowId: string, runId: string): Promise<boolean> {
    this.stats.closedChecks++;
    try {
      const description = await this.call(() => this.liveClient.getHandle(workflowId).describe());
      return description.runId === runId && description.status.name !== 'RUNNING';
    } catch {
      return true;
    }
  }

  /** One Temporal call under a deadline (which also bounds the connection's own retries), retried while Temporal is busy. */
  /** Cancels the reader's Temporal calls in flight and waits for them: on shutdown, before the connection closes. */
  close(): Promise<void> {
    return this.calls.close();
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return retryWhileBusy(
      () => this.calls.run(() => this.options.connection.withDeadline(Date.now() + this.settings.rpcTimeoutMs, fn)),
      this.options.busyRetry ?? defaultBusyRetry,
      () => this.stats.busyRetries++,
    );
  }

  private touch(id: string, now: number): Mirror {
    let mirror = this.mirrors.get(id);
    if (mirror) {
      // Re-inserted so the map's order is least recently read first.
      this.mirrors.delete(id);
    } else {
      mirror = {
        log: undefined,
        changedAt: now,
        problem: null,
        problemCheckedAt: Number.NEGATIVE_INFINITY,
        capacity: this.options.eventBufferSize,
        closedRunId: undefined,
        refreshedAt: Number.NEGATIVE_INFINITY,
        lastReadAt: now,
        refreshing: undefined,
      };
    }
    mirror.lastReadAt = now;
    this.mirrors.set(id, mirror);
    for (const oldest of this.mirrors.keys()) {
      if (this.mirrors.size <= this.settings.maxMirrors) break;
      this.mirrors.delete(oldest);
      this.stats.evictions++;
    }
    return mirror;
  }

  /** Drops mirrors nobody read for `idleEvictMs`; runs at most every few seconds, from reads. */
  private sweep(now: number): void {
    if (now - this.lastSweepAt < Math.min(this.settings.idleEvictMs, 5_000)) return;
    this.lastSweepAt = now;
    for (const [id, mirror] of this.mirrors) {
      if (now - mirror.lastReadAt < this.settings.idleEvictMs) break;
      this.mirrors.delete(id);
      this.stats.evictions++;
    }
  }
}
