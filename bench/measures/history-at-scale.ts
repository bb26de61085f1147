import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { seededRandom } from '../../src/fake-anthropic/prng';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { createGeneration } from '../lib/follow-generation';
import type { BenchContext, BenchResults, HistoryAtScale, HistoryAtScaleIteration, RatioSpread } from '../lib/results';
import { startStack, type BenchStack, type BenchTemporal } from '../lib/stack';
import { stackEnv } from './stack-env';

const scenarioName = 'history-at-scale';
/** The threshold: no single payload in the history above this (the claim check moves the rest out). */
export const payloadThresholdBytes = 128 * 1024;
const modelActivityType = 'streamModelTurn';

export interface HistoryAtScalePlan {
  /** Iterations that write and read a file; one closing turn (end_turn) follows them. */
  iterations: number;
  /** Bytes of each file: the conversation grows by about twice this per iteration. */
  fileBytes: number;
  /** No new `iteration.completed` for this long counts as stalled (today's design breaks that way). */
  iterationTimeoutMs: number;
  pollMs: number;
}

/** ~20 MB of conversation in 100 iterations. */
export const fullPlan: HistoryAtScalePlan = { iterations: 100, fileBytes: 100_000, iterationTimeoutMs: 60_000, pollMs: 200 };
/** ~1 MB in 10 iterations, so CI stays fast. */
export const quickPlan: HistoryAtScalePlan = { iterations: 10, fileBytes: 50_000, iterationTimeoutMs: 30_000, pollMs: 200 };

/**
 * One generation whose conversation grows by ~200 KB an iteration (full run: 100 iterations, ~20 MB):
 * each model turn writes a new file of ~100 KB with `write_file` and reads it back with `read_file`
 * (the content travels once as tool input in the assistant message, once as the tool result).
 * Per iteration, from the workflow history (every run of the workflow id) and from the store
 * directory: history bytes and events, the largest single payload, and the bytes stored.
 */
export async function measureHistoryAtScale(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const plan = ctx.quick ? quickPlan : fullPlan;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-bench-scale-'));
  const own: Record<string, string> = {
    TOOLSTREAM_DATA_DIR: dataDir,
    TOOLSTREAM_MAX_ITERATIONS: String(plan.iterations + 5),
    TOOLSTREAM_MAX_FILE_BYTES: String(Math.max(1024 * 1024, plan.fileBytes * 2)),
  };
  const env = stackEnv(own);
  // The claim-check / conversation store: TOOLSTREAM_STORE_DIR when given, else `<dataDir>/store`.
  const storeDir = path.resolve(env.TOOLSTREAM_STORE_DIR ?? process.env.TOOLSTREAM_STORE_DIR ?? path.join(dataDir, 'store'));
  env.TOOLSTREAM_STORE_DIR = storeDir;
  const stack = await startStack(temporal, { [scenarioName]: historyAtScaleScenario(plan) }, env);
  try {
    const result = await runScale(stack, temporal, plan, storeDir, ctx);
    return {
      historyAtScale: result,
      settings: {
        historyAtScale: {
          iterations: plan.iterations,
          fileBytes: plan.fileBytes,
          iterationTimeoutMs: plan.iterationTimeoutMs,
          maxIterations: own.TOOLSTREAM_MAX_ITERATIONS,
          storeDir: path.relative(dataDir, storeDir).startsWith('..') ? storeDir : `<dataDir>/${path.relative(dataDir, storeDir)}`,
        },
      },
    };
  } finally {
    await stack.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random words, exactly `bytes` long (ASCII): varied text, so nothing compresses it away. */
export function fileContent(iteration: number, bytes: number): string {
  const random = seededRandom(`history-at-scale-${iteration}`);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sto', 'vel', 'an', 'dor', 'pi', 'qua', 'zen', 'tri', 'bo', 'ex', 'ul'];
  const parts: string[] = [];
  let length = 0;
  let wordsInLine = 0;
  while (length < bytes) {
    const count = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < count; i++) word += syllables[Math.floor(random() * syllables.length)];
    wordsInLine++;
    const sep = wordsInLine >= 12 ? '\n' : ' ';
    if (sep === '\n') wordsInLine = 0;
    parts.push(word, sep);
    length += word.length + 1;
  }
  return parts.join('').slice(0, bytes);
}

export function filePath(iteration: number): string {
  return `parts/part-${String(iteration).padStart(3, '0')}.txt`;
}

/**
 * A function of the request: the turn index is the number of assistant messages already in it, so a
 * retried call replays its turn. Turns 0..N-1 write and read file N; turn N closes with end_turn.
 */
export function historyAtScaleScenario(plan: Pick<HistoryAtScalePlan, 'iterations' | 'fileBytes'>): Scenario {
  return (_request, { turn }): ScriptedTurn => {
    const iteration = turn + 1;
    if (iteration > plan.iterations) {
      return { steps: [{ type: 'text', text: `All ${plan.iterations} parts are written and checked.` }], stopReason: 'end_turn' };
    }
    const file = filePath(iteration);
    return {
      steps: [
        { type: 'text', text: `Writing part ${iteration} and reading it back.` },
        { type: 'tool_use', name: 'write_file', input: { path: file, content: fileContent(iteration, plan.fileBytes) } },
        { type: 'tool_use', name: 'read_file', input: { path: file } },
      ],
      // Big fixed chunks: the bench is about bytes, not about streaming 100 KB of JSON in 6-char deltas.
      jsonChunking: 4096,
    };
  };
}

interface Followed {
  status: string;
  events: GenerationEvent[];
  stalled: boolean;
}

async function runScale(stack: BenchStack, temporal: BenchTemporal, plan: HistoryAtScalePlan, storeDir: string, ctx: BenchContext): Promise<HistoryAtScale> {
  const client = temporal.env.client;
  const started = Date.now();
  const id = await createGeneration(stack.url, `[[scenario:${scenarioName}]] Write ${plan.iterations} parts, reading each back.`);
  const workflowId = workflowIdFor(id);
  const followed = await follow(stack, id, plan, ctx);
  const wallMs = Date.now() - started;
  const completedIterations = followed.events.filter((e) => e.type === 'iteration.completed').length;
  ctx.log(`history-at-scale: ${followed.stalled ? 'stalled' : followed.status} after ${completedIterations} iterations in ${(wallMs / 1000).toFixed(1)} s`);

  const describe = await client.workflow.getHandle(workflowId).describe();
  const firstRunId = describe.raw.workflowExecutionInfo?.firstRunId;
  if (!firstRunId) throw new Error(`history-at-scale: ${workflowId} has no first run id`);
  const fetchStarted = Date.now();
  const histories = await withHistoryConnection(temporal, (connection) => fetchRuns(connection, client.options.namespace, workflowId, firstRunId));
  ctx.log(`history-at-scale: read ${histories.length} run(s), ${histories.reduce((n, h) => n + (h.events?.length ?? 0), 0)} events in ${((Date.now() - fetchStarted) / 1000).toFixed(1)} s`);
  let breakage: string | undefined;
  if (followed.stalled || followed.status !== 'completed') {
    breakage = describeBreakage(histories, completedIterations, followed, describe.raw.pendingWorkflowTask?.attempt ?? undefined);
    ctx.log(`history-at-scale: ${breakage}`);
    if (describe.status.name === 'RUNNING') await client.workflow.getHandle(workflowId).terminate('history-at-scale: stalled, recorded');
  }

  const boundaries = iterationStarts(followed.events);
  const perIteration = attributeHistory(histories);
  // Whole seconds: some filesystems keep coarse mtimes.
  const stored = attributeStore(storeDir, boundaries, Math.floor(started / 1000) * 1000 - 1000);
  const lastIteration = Math.max(completedIterations, ...perIteration.keys());
  const iterations: HistoryAtScaleIteration[] = [];
  for (let i = 1; i <= lastIteration; i++) {
    const history = perIteration.get(i) ?? { bytes: 0, events: 0, largestPayload: 0 };
    const newContentBytes = i <= plan.iterations ? 2 * Buffer.byteLength(fileContent(i, plan.fileBytes)) : 0;
    const storedBytes = stored.perIteration.get(i) ?? 0;
    iterations.push({
      iteration: i,
      historyBytes: history.bytes,
      historyEvents: history.events,
      largestPayloadBytes: history.largestPayload,
      storedBytes,
      newContentBytes,
      ...(newContentBytes > 0 ? { storedPerNewContent: round(storedBytes / newContentBytes, 3) } : {}),
    });
  }
  return summarizeScale(iterations, {
    iterationsPlanned: plan.iterations,
    iterationsCompleted: completedIterations,
    fileBytes: plan.fileBytes,
    outcome: followed.stalled ? 'stalled' : followed.status,
    ...(breakage !== undefined ? { breakage } : {}),
    iterationTimeoutMs: plan.iterationTimeoutMs,
    wallMs,
    runs: histories.length,
    storeDir: { path: storeDir, existed: stored.existed, totalBytes: stored.totalBytes, files: stored.files },
  });
}

/** The figures judged on the page, from the per-iteration rows (exported for the report tests). */
export function summarizeScale(
  iterations: HistoryAtScaleIteration[],
  run: Omit<HistoryAtScale, 'iterations' | 'totalHistoryBytes' | 'totalHistoryEvents' | 'largestPayloadBytes' | 'payloadThresholdBytes' | 'flatWindow' | 'historyBytesFirstMean' | 'historyBytesLastMean' | 'historyGrowth' | 'storedPerNewContent'>,
): HistoryAtScale {
  // The closing turn (no new content) and iterations that never completed are not steady-state iterations.
  const steady = iterations.filter((it) => it.newContentBytes > 0 && it.iteration <= run.iterationsCompleted);
  const flatWindow = Math.max(1, Math.min(10, Math.floor(steady.length / 3)));
  const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  const first = mean(steady.slice(0, flatWindow).map((it) => it.historyBytes));
  const last = mean(steady.slice(-flatWindow).map((it) => it.historyBytes));
  // An iteration's new messages are stored when the next model call starts (it stores the pending
  // messages before it asks), so iteration i's content is what the store gains during i + 1. The last
  // iteration's successor is the closing turn, which also archives the event log: it is left out.
  const byIteration = new Map(iterations.map((it) => [it.iteration, it]));
  const ratios = steady.slice(0, -1).map((it) => (byIteration.get(it.iteration + 1)?.storedBytes ?? 0) / it.newContentBytes);
  return {
    ...run,
    totalHistoryBytes: iterations.reduce((sum, it) => sum + it.historyBytes, 0),
    totalHistoryEvents: iterations.reduce((sum, it) => sum + it.historyEvents, 0),
    largestPayloadBytes: Math.max(0, ...iterations.map((it) => it.largestPayloadBytes)),
    payloadThresholdBytes,
    flatWindow,
    historyBytesFirstMean: Math.round(first),
    historyBytesLastMean: Math.round(last),
    historyGrowth: first > 0 ? round(last / first, 3) : 0,
    ...(ratios.some((r) => r > 0) ? { storedPerNewContent: spread(ratios) } : {}),
    iterations,
  };
}

function spread(values: number[]): RatioSpread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  const half = Math.floor(values.length / 2);
  const average = (part: number[]): number => part.reduce((a, b) => a + b, 0) / Math.max(1, part.length);
  const firstHalf = average(values.slice(0, half));
  const growth = firstHalf > 0 ? round(average(values.slice(half)) / firstHalf, 3) : 0;
  return { mean: round(mean, 3), min: round(Math.min(...values), 3), max: round(Math.max(...values), 3), cv: mean > 0 ? round(sd / mean, 3) : 0, count: values.length, growth };
}

/**
 * Polls the events with a cursor until the generation settles, or until no new `iteration.completed`
 * came for `iterationTimeoutMs` (today's design: the workflow task fails on a too-large payload and
 * retries forever). The fake model keeps every request body it received; at ~10 MB a request on
 * average that would be GBs, so the bench drops them as it goes (nothing here reads them).
 */
async function follow(stack: BenchStack, id: string, plan: HistoryAtScalePlan, ctx: BenchContext): Promise<Followed> {
  const followed: Followed = { status: 'running', events: [], stalled: false };
  let cursor = 0;
  let lastProgress = Date.now();
  let completed = 0;
  for (;;) {
    stack.fake.requests.length = 0;
    const res = await fetch(`${stack.url}/v1/generations/${id}/events?after=${cursor}&limit=1000`);
    if (res.status === 200) {
      const page = (await res.json()) as { events: GenerationEvent[]; lastSeq: number; status: string };
      followed.events.push(...page.events);
      if (page.events.length > 0) cursor = page.events[page.events.length - 1].seq;
      followed.status = page.status;
      const now = followed.events.filter((e) => e.type === 'iteration.completed').length;
      if (now > completed) {
        completed = now;
        lastProgress = Date.now();
        if (completed % 10 === 0) ctx.log(`history-at-scale: ${completed} iterations`);
      }
      if (cursor < page.lastSeq) continue;
      if (['completed', 'failed', 'cancelled', 'blocked', 'waiting'].includes(page.status)) break;
    } else {
      await res.arrayBuffer();
    }
    if (Date.now() - lastProgress > plan.iterationTimeoutMs) {
      followed.stalled = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, plan.pollMs));
  }
  stack.fake.requests.length = 0;
  return followed;
}

type History = proto.api.history.v1.IHistory;
type HistoryEvent = proto.api.history.v1.IHistoryEvent;

/**
 * Today's histories hold events of up to 2 MB, and a page of them overflows gRPC's default 4 MB
 * receive limit (the SDK's own default of 128 MB is set under a key grpc-js ignores): a connection of
 * our own with a real limit, and without the retry interceptor, which would retry RESOURCE_EXHAUSTED
 * with backoff for minutes.
 */
async function withHistoryConnection<T>(temporal: BenchTemporal, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({
    address: temporal.env.address,
    channelArgs: { 'grpc.max_receive_message_length': 512 * 1024 * 1024 },
    interceptors: [],
  });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

async function fetchRuns(connection: Connection, namespace: string, workflowId: string, firstRunId: string): Promise<History[]> {
  const runs: History[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const events = await fetchEvents(connection, namespace, workflowId, runId);
    runs.push({ events });
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** One run's events, page by page; a page over the receive limit anyway (RESOURCE_EXHAUSTED) is asked again smaller. */
async function fetchEvents(connection: Connection, namespace: string, workflowId: string, runId: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  let pageSize = 256;
  for (;;) {
    let page: proto.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse;
    try {
      page = await connection.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId },
        maximumPageSize: pageSize,
        nextPageToken,
      });
    } catch (err) {
      if (pageSize > 1 && (err as { code?: number }).code === 8 /* RESOURCE_EXHAUSTED */) {
        pageSize = Math.max(1, Math.floor(pageSize / 4));
        continue;
      }
      throw err;
    }
    events.push(...(page.history?.events ?? []));
    if (!page.nextPageToken || page.nextPageToken.length === 0) return events;
    nextPageToken = page.nextPageToken;
  }
}

export function eventTypeName(event: HistoryEvent): string {
  return (proto.api.enums.v1.EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
}

/**
 * Every Payload in a proto object, found generically (any attribute of any event type, nested at
 * any depth): a message with `data` bytes and a `metadata` map.
 */
export function forEachPayload(value: unknown, visit: (payload: proto.api.common.v1.IPayload) => void): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) forEachPayload(item, visit);
    return;
  }
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && typeof record.metadata === 'object' && record.metadata !== null) {
    visit(record as proto.api.common.v1.IPayload);
    return;
  }
  for (const inner of Object.values(record)) forEachPayload(inner, visit);
}

export function largestPayload(event: HistoryEvent): number {
  let largest = 0;
  forEachPayload(event, (payload) => {
    largest = Math.max(largest, proto.api.common.v1.Payload.encode(payload).finish().length);
  });
  return largest;
}

/**
 * The iteration a model activity's schedule belongs to, from its summary ("model turn 7 (…)"); any
 * activity type with such a summary counts, so a renamed model activity is still found.
 */
function modelTurnOf(event: HistoryEvent): number | undefined {
  if (!event.activityTaskScheduledEventAttributes) return undefined;
  const summary = event.userMetadata?.summary?.data;
  const match = summary ? /model turn (\d+)/.exec(Buffer.from(summary).toString('utf8')) : null;
  return match ? Number(match[1]) : undefined;
}

function isModelCall(event: HistoryEvent): boolean {
  return modelTurnOf(event) !== undefined || event.activityTaskScheduledEventAttributes?.activityType?.name === modelActivityType;
}

/**
 * History events by iteration: from the model activity scheduled for iteration i up to the one for
 * i + 1 (its result, the tool activities it started, the signals carrying its calls, the workflow
 * tasks between). The events before the first model activity (the start) count for iteration 1,
 * the rest of the history after the last one (the closing) for the last; continue-as-new runs
 * are read in order, their start counting for the iteration in progress.
 */
export function attributeHistory(histories: History[]): Map<number, { bytes: number; events: number; largestPayload: number }> {
  const out = new Map<number, { bytes: number; events: number; largestPayload: number }>();
  let current = 1;
  let schedules = 0;
  for (const history of histories) {
    for (const event of history.events ?? []) {
      if (isModelCall(event)) {
        schedules++;
        current = modelTurnOf(event) ?? schedules;
      }
      const entry = out.get(current) ?? { bytes: 0, events: 0, largestPayload: 0 };
      entry.bytes += proto.api.history.v1.HistoryEvent.encode(event).finish().length;
      entry.events++;
      entry.largestPayload = Math.max(entry.largestPayload, largestPayload(event));
      out.set(current, entry);
    }
  }
  return out;
}

/** `iteration.started` times (ms): the store's files are attributed to the iteration whose window holds their mtime. */
function iterationStarts(events: GenerationEvent[]): { iteration: number; at: number }[] {
  return events.filter((e) => e.type === 'iteration.started').map((e) => ({ iteration: (e as { iteration: number }).iteration, at: Date.parse(e.at) }));
}

/**
 * Stored bytes per iteration: every file under the store directory, attributed by its mtime to the
 * iteration whose window [iteration.started(i), iteration.started(i+1)) holds it (before the first:
 * iteration 1; after the last: the last). Values are written once (content-addressed or write-once
 * keys), so a file's mtime is when it was stored; polling the size instead would lump together the
 * several iterations a poll interval can span.
 */
export function attributeStore(
  storeDir: string,
  starts: { iteration: number; at: number }[],
  /** Files older than this (ms) are not this generation's: a store directory given from outside may hold earlier runs. */
  since = 0,
): { existed: boolean; totalBytes: number; files: number; perIteration: Map<number, number> } {
  const perIteration = new Map<number, number>();
  if (!fs.existsSync(storeDir)) return { existed: false, totalBytes: 0, files: 0, perIteration };
  let totalBytes = 0;
  let files = 0;
  const sorted = [...starts].sort((a, b) => a.at - b.at);
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = fs.statSync(full);
        if (stat.mtimeMs < since) continue;
        totalBytes += stat.size;
        files++;
        let iteration = sorted[0]?.iteration ?? 1;
        for (const start of sorted) if (start.at <= stat.mtimeMs) iteration = start.iteration;
        perIteration.set(iteration, (perIteration.get(iteration) ?? 0) + stat.size);
      }
    }
  };
  walk(storeDir);
  return { existed: true, totalBytes, files, perIteration };
}

/** Where and how the generation stopped making progress: the last workflow task failure in its history. */
function describeBreakage(histories: History[], completed: number, followed: Followed, wftAttempt: number | undefined): string {
  const events = histories.flatMap((h) => h.events ?? []);
  const failed = [...events].reverse().find((e) => e.workflowTaskFailedEventAttributes);
  const attempt = wftAttempt !== undefined && wftAttempt > 1 ? `; the pending workflow task is at attempt ${wftAttempt}` : '';
  const how = followed.stalled ? `no iteration completed for the per-iteration timeout, status "${followed.status}"` : `the generation ended "${followed.status}"`;
  const lastEvent = followed.events.filter((e) => e.type === 'generation.failed').pop() as { error?: string } | undefined;
  let why = lastEvent?.error ? `; generation.failed: ${lastEvent.error}` : '';
  if (failed?.workflowTaskFailedEventAttributes) {
    const attrs = failed.workflowTaskFailedEventAttributes;
    const cause = (proto.api.enums.v1.WorkflowTaskFailedCause[attrs.cause ?? 0] ?? String(attrs.cause)).replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '');
    why += `; last workflow task failure (event ${String(failed.eventId)}): ${cause}: ${attrs.failure?.message ?? '(no message)'}`;
  }
  const schedules = events.filter(isModelCall);
  const last = schedules[schedules.length - 1];
  let where = '';
  if (last) {
    const turn = modelTurnOf(last) ?? schedules.length;
    const done = events.some((e) => e.activityTaskCompletedEventAttributes && String(e.activityTaskCompletedEventAttributes.scheduledEventId) === String(last.eventId));
    const input = largestPayload(last);
    where = `; the last model call recorded is turn ${turn} (input payload ${input} bytes), its activity ${done ? 'completed' : 'did not complete'}`;
  }
  return `after iteration ${completed}: ${how}${where}${why}${attempt}`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
