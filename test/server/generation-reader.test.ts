import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection, ServiceError, type WorkflowHandle } from '@temporalio/client';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { createApp } from '../../src/server/create-app';
import { GenerationCommands } from '../../src/server/generation-commands';
import { GenerationReader, type EventsQueryFn, type GenerationReaderOptions } from '../../src/server/generation-reader';
import { GenerationService } from '../../src/server/generation-service';
import { HttpError } from '../../src/server/http-error';
import { eventsQuery, stateQuery } from '../../src/shared/definitions';
import { EventLog, type EventPage } from '../../src/shared/event-log';
import { defaultGenerationOptions, workflowIdFor, type GenerationInput, type GenerationSummary } from '../../src/shared/generation';
import { EventLogArchive } from '../../src/storage/event-log-archive';
import { foldEvents } from '../../src/shared/reducer';
import type { GenerationState } from '../../src/shared/state';
import { ApiClient } from '../support/api-client';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

// Small, so that `chatty` overflows it; the `held` generation fits whole.
const bufferSize = 12;
const done: ScriptedTurn = { steps: [{ type: 'text', text: 'Done.' }] };

const scenarios: Record<string, Scenario> = {
  quick: [{ steps: [{ type: 'text', text: 'A short answer.' }] }],
  // Some text, then a tool that keeps the workflow open and idle (no workflow task) for a while.
  held: [{ steps: [{ type: 'text', text: 'Working on it.' }, { type: 'tool_use', name: 'sleep', input: { ms: 4000 } }] }, done],
  // Many small text events (the harness batches text every 20 ms), then an idle spell.
  chatty: [
    {
      steps: [{ type: 'text', text: 'Lots of words here. '.repeat(30) }, { type: 'tool_use', name: 'sleep', input: { ms: 3000 } }],
      tokensPerSecond: 200,
    },
    done,
  ],
};

const harness = useHarness({
    scenarios,
    env: { TOOLSTREAM_EVENT_BUFFER: String(bufferSize), TOOLSTREAM_TEXT_BATCH_MS: '20', TOOLSTREAM_TEXT_SIGNALS_PER_SECOND: '1000' },
  });

function newReader(options: Partial<GenerationReaderOptions> = {}): GenerationReader {
  return new GenerationReader({
    connection: harness.env.connection,
    namespace: 'default',
    eventBufferSize: bufferSize,
    storage: harness.storage,
    eventLogs: new EventLogArchive(harness.storage.blobs),
    ...options,
  });
}

function handleOf(id: string): WorkflowHandle {
  return harness.env.client.workflow.getHandle(workflowIdFor(id));
}

/** Asks the workflow directly, past every cache, until its state satisfies `condition`. */
async function waitForWorkflowState(id: string, condition: (state: GenerationState) => boolean): Promise<GenerationState> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const state = await handleOf(id).query(stateQuery);
    if (condition(state)) return state;
    if (Date.now() > deadline) throw new Error(`generation ${id} never reached the expected state`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The model's stream has ended and the sleep tool runs: nothing happens for a few seconds. */
const sleeping = (state: GenerationState): boolean =>
  // stopReason is set when the iteration completes (usage grows live, so it says nothing about the end of the stream).
  state.stopReason !== null && state.tools.some((tool) => tool.name === 'sleep' && tool.status === 'running');

function busyError(): ServiceError {
  // What the client throws when the server refuses a query: a gRPC error with RESOURCE_EXHAUSTED inside.
  const grpc = Object.assign(new Error('8 RESOURCE_EXHAUSTED: consistent query buffer is full'), {
    code: 8,
    details: 'consistent query buffer is full',
    metadata: {},
  });
  return new ServiceError('Failed to query Workflow', { cause: grpc });
}

function unavailableError(): ServiceError {
  const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} });
  return new ServiceError('Failed to query Workflow', { cause: grpc });
}

/** The real query, after Temporal refused the first `refusals` calls with `error`. */
function refusingFirst(refusals: number, error: () => Error): EventsQueryFn {
  let left = refusals;
  return (handle, args) => (left-- > 0 ? Promise.reject(error()) : handle.query(eventsQuery, args));
}

describe('a live generation', () => {
  test('concurrent reads share one query; a fresh refresh is reused; past the TTL one query serves a burst', async () => {
    const id = await harness.api.create(promptFor('held'));
    const direct = await waitForWorkflowState(id, sleeping);

    const cached = newReader({ refreshTtlMs: 60_000 });
    const burst = await Promise.all([
      ...Array.from({ length: 50 }, () => cached.events(id, 0, 1000)),
      ...Array.from({ length: 10 }, () => cached.state(id)),
    ]);
    expect(cached.stats.queries).toBe(1);
    const pages = burst.slice(0, 50) as EventPage[];
    const states = burst.slice(50) as GenerationState[];
    for (const page of pages) expect(page).toEqual(pages[0]);
    expect(pages[0].events.map((event) => event.seq)).toEqual(Array.from({ length: direct.lastSeq }, (_, i) => i + 1));
    expect(foldEvents(pages[0].events)).toEqual(direct);
    for (const state of states) expect(state).toEqual(direct);
    for (let i = 0; i < 20; i++) await cached.events(id, i % 5, 3);
    expect(cached.stats.queries).toBe(1);

    const uncached = newReader({ refreshTtlMs: 0 });
    for (let i = 0; i < 3; i++) await uncached.events(id, 0, 1000);
    expect(uncached.stats.queries).toBe(3);
    await Promise.all(Array.from({ length: 20 }, () => uncached.events(id, 0, 1000)));
    expect(uncached.stats.queries).toBe(4);
  });

  test('a mirror that fell more than a buffer behind is rebuilt, and then reads as the workflow at every cursor', async () => {
    const reader = newReader({ refreshTtlMs: 0 });
    const id = await harness.api.create(promptFor('chatty'));
    const early = await reader.events(id, 0, 1000);
    expect(reader.stats.rebuilds).toBe(1);

    const direct = await waitForWorkflowState(id, sleeping);
    expect(direct.lastSeq).toBeGreaterThan(early.lastSeq + bufferSize);
    const page = await reader.events(id, early.lastSeq, 1000);
    expect(reader.stats.rebuilds).toBe(2);
    expect(reader.stats.queries).toBe(2);
    expect(page.gap).toBe(true);
    expect(page.events).toHaveLength(bufferSize);
    expect(foldEvents(page.events, page.state as GenerationState)).toEqual(direct);
    expect(await reader.state(id)).toEqual(direct);

    // Same answers as the workflow's own query, cursor by cursor, while nothing moves.
    const still = newReader({ refreshTtlMs: 60_000 });
    for (let after = 0; after <= direct.lastSeq + 1; after++) {
      const limit = 1 + (after % 4);
      expect(await still.events(id, after, limit)).toEqual(await handleOf(id).query(eventsQuery, { after, limit }));
    }
    expect(still.stats.queries).toBe(1);
  });
});

describe('a finished generation', () => {
  let id: string;
  let result: GenerationSummary;

  beforeAll(async () => {
    id = await harness.api.create(promptFor('quick'));
    await harness.api.pollToEnd(id);
    result = (await handleOf(id).result()) as GenerationSummary;
  });

  test('is read from the workflow result once, then served from memory', async () => {
    const reader = newReader();
    const page = await reader.events(id, 0, 1000);
    // The result is a summary; the log it points at is in the store.
    const archived = await new EventLogArchive(harness.storage.blobs).load(result.eventLog.key);
    const fromResult = new EventLog(archived.capacity, archived);
    expect(page).toEqual(fromResult.read(0, 1000));
    expect(page.status).toBe('completed');
    expect(await reader.state(id)).toEqual(archived.state);
    expect(result).toMatchObject({ status: 'completed', lastSeq: archived.state.lastSeq, costUsd: archived.state.costUsd });
    expect(reader.stats).toMatchObject({ queries: 1, resultLoads: 1, closedChecks: 0 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => reader.events(id, i, 2)));
    expect(reader.stats).toMatchObject({ queries: 1, resultLoads: 1, closedChecks: 0 });
  });

  test('is rechecked with one describe call once the recheck interval passed, and not reloaded', async () => {
    const reader = newReader({ closedRecheckMs: 0 });
    const first = await reader.events(id, 0, 1000);
    const again = await reader.events(id, 0, 1000);
    expect(again).toEqual(first);
    expect(reader.stats).toMatchObject({ queries: 1, resultLoads: 1, closedChecks: 1 });
  });

  test('a new run under the same workflow id is seen after the recheck, or at once after invalidate', async () => {
    const continued = await harness.api.create(promptFor('quick', 'first run'));
    await harness.api.pollToEnd(continued);
    // After its last event the run archives its log, then closes: read it closed.
    await handleOf(continued).result();
    const rechecking = newReader({ closedRecheckMs: 0 });
    const caching = newReader({ closedRecheckMs: 60_000 });
    expect((await rechecking.state(continued)).prompt).toContain('first run');
    expect((await caching.state(continued)).prompt).toContain('first run');

    const input: GenerationInput = {
      generationId: continued,
      prompt: promptFor('quick', 'second run'),
      model: 'claude-sonnet-5-5',
      maxIterations: 2,
      options: { ...defaultGenerationOptions, eventBufferSize: bufferSize },
    };
    const run = await harness.env.client.workflow.start('generationWorkflow', { taskQueue: harness.config.temporal.taskQueue, workflowId: workflowIdFor(continued), args: [input] });
    await run.result();

    const seenAfterRecheck = await rechecking.state(continued);
    expect(seenAfterRecheck.prompt).toContain('second run');
    expect(seenAfterRecheck.status).toBe('completed');
    expect((await caching.state(continued)).prompt).toContain('first run');
    caching.invalidate(continued);
    expect(await caching.state(continued)).toEqual(seenAfterRecheck);
  });

  test('an unknown generation is a 404 and leaves no mirror behind', async () => {
    const reader = newReader();
    await expect(reader.events('no-such-generation', 0, 10)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(reader.size).toBe(0);
  });
});

describe('when Temporal refuses', () => {
  let id: string;
  beforeAll(async () => {
    id = await harness.api.create(promptFor('quick'));
    await harness.api.pollToEnd(id);
    await handleOf(id).result();
  });

  test('RESOURCE_EXHAUSTED is retried with backoff, and the read succeeds', async () => {
    const reader = newReader({ queryEvents: refusingFirst(2, busyError) });
    const page = await reader.events(id, 0, 1000);
    expect(page.status).toBe('completed');
    expect(reader.stats).toMatchObject({ queries: 3, busyRetries: 2 });
  });

  test('RESOURCE_EXHAUSTED past the last attempt is a 503 with Retry-After, not a 500; the next read starts afresh', async () => {
    const reader = newReader({ queryEvents: refusingFirst(4, busyError), busyRetry: { attempts: 4, initialDelayMs: 5, maxDelayMs: 20 } });
    const failure = await reader.events(id, 0, 1000).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(HttpError);
    expect(failure).toMatchObject({ status: 503, code: 'temporal_busy', headers: { 'retry-after': '1' } });
    expect(reader.stats).toMatchObject({ queries: 4, busyRetries: 3 });
    expect(reader.size).toBe(0);
    expect((await reader.events(id, 0, 1000)).status).toBe('completed');
  });

  test('Temporal out of reach is a 503 at once, without retries', async () => {
    const reader = newReader({ queryEvents: refusingFirst(1, unavailableError) });
    await expect(reader.state(id)).rejects.toMatchObject({ status: 503, code: 'temporal_unavailable' });
    expect(reader.stats).toMatchObject({ queries: 1, busyRetries: 0 });
  });

  test('with nothing listening at its address, a read is a 503 once the call deadline passes', async () => {
    const nowhere = Connection.lazy({ address: '127.0.0.1:1' });
    try {
      const reader = newReader({ connection: nowhere, rpcTimeoutMs: 1000 });
      const failure = await reader.state(id).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(HttpError);
      expect((failure as HttpError).status).toBe(503);
      expect(['temporal_unavailable', 'temporal_timeout']).toContain((failure as HttpError).code);
    } finally {
      await nowhere.close();
    }
  });

  test('over HTTP the 503 is JSON with a Retry-After header', async () => {
    const service = new GenerationService({
      connection: harness.env.connection,
      namespace: 'default',
      taskQueue: 'unused',
      defaultModel: 'claude-sonnet-5-5',
      defaultMaxIterations: 2,
      generationOptions: defaultGenerationOptions,
      storage: harness.storage,
      reader: { queryEvents: refusingFirst(Number.POSITIVE_INFINITY, busyError), busyRetry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 5 } },
    });
    const handler = createApp({ generations: service, commands: new GenerationCommands({ connection: harness.env.connection, namespace: 'default', taskQueue: 'unused', storage: harness.storage, onNewRun: () => undefined }), health: async () => ({ ok: true, details: {} }) });
    const server = http.createServer(handler).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/generations/${id}/events?after=0`;
      const res = await fetch(url);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({ error: { code: 'temporal_busy', message: expect.any(String) } });
      const state = await new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).request('GET', `/v1/generations/${id}`);
      expect(state.status).toBe(503);
    } finally {
      server.close();
    }
  });
});

describe('memory', () => {
  test('idle mirrors are evicted, and there are never more than maxMirrors', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await harness.api.create(promptFor('quick')));
      await harness.api.pollToEnd(ids[i]);
      await handleOf(ids[i]).result();
    }
    const capped = newReader({ maxMirrors: 2 });
    for (const id of ids) await capped.state(id);
    expect(capped.size).toBe(2);
    expect(capped.stats.evictions).toBe(1);
    // The least recently read went: reading it again loads it again.
    await capped.state(ids[0]);
    expect(capped.stats.resultLoads).toBe(4);

    const idle = newReader({ idleEvictMs: 50 });
    await idle.state(ids[0]);
    await idle.state(ids[1]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await idle.state(ids[2]);
    expect(idle.size).toBe(1);
    expect(idle.stats.evictions).toBe(2);
  });
});
