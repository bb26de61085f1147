import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { MessagesRequestBody, RequestMessage, Scenario } from '../../src/fake-anthropic';
import type { EventPage } from '../../src/shared/event-log';
import type { GenerationEvent } from '../../src/shared/events';
import type { ApiClient } from '../support/api-client';
import { workflowIdFor } from '../../src/shared/generation';
import { readCounters, toolResultProblems } from '../crash/crash-checks';
import { historyFigures } from '../support/history-payloads';
import { eventsOfType, promptFor } from '../support/scenario';
import { useTemporalEnv } from '../support/temporal-env';
import { useHarness } from '../support/toolstream-harness';
import { bigToolTurn, runWriteThenRead, writeThenReadTurns } from '../support/big-file-turns';
import { bulkText } from '../support/bulk-text';


const bigFile = bulkText(700 * 1024, 'big');
const threshold = 128 * 1024;

/** A prompt at the API's cap (200,000 characters) in CJK: about 600 KB of UTF-8. */
const cjkPromptText = (() => {
  const head = promptFor('cjkPrompt', '');
  const ideographs = '天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏閏餘成歲律呂調陽雲騰致雨露結為霜한국어의문장';
  let body = '';
  while (head.length + body.length < 200_000) body += ideographs;
  return head + body.slice(0, 200_000 - head.length);
})();

const followFile = bulkText(768 * 1024, 'follow');

const scenarios: Record<string, Scenario> = {
  // The case that never ended: a 700 KB write, then three reads of it, ~2.8 MB of conversation.
  writeThenRead: writeThenReadTurns(bigFile),
  cjkPrompt: [{ steps: [{ type: 'text', text: '长提示已读完。' }] }],
  // ~3 MB of conversation (a 768 KB file written, then read three times), then the follow-up's answer.
  followUpBig: [
    bigToolTurn('toolu_fu_write', 'write_file', { path: 'follow.txt', content: followFile }),
    bigToolTurn('toolu_fu_read_1', 'read_file', { path: 'follow.txt' }),
    bigToolTurn('toolu_fu_read_2', 'read_file', { path: 'follow.txt' }),
    bigToolTurn('toolu_fu_read_3', 'read_file', { path: 'follow.txt' }),
    { steps: [{ type: 'text', text: 'First answer.' }] },
    { steps: [{ type: 'text', text: 'Follow-up answered.' }] },
  ],
};

const temporalEnv = useTemporalEnv();
const harness = useHarness({ scenarios }, temporalEnv);

function textOf(message: RequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((block) => JSON.stringify(block)).join('');
}

test('a 700 KB file written and read back three times completes, and the last request holds the whole conversation', async () => {
  const { id, last } = await runWriteThenRead(harness, 'writeThenRead', 60_000);

  expect(last.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  const write = last[1].content as Array<{ type: string; input?: { content?: string } }>;
  expect(write.find((block) => block.type === 'tool_use')?.input?.content).toBe(bigFile);
  for (const reply of [last[4], last[6], last[8]]) {
    const result = (reply.content as Array<{ type: string; content?: unknown }>).find((block) => block.type === 'tool_result');
    expect(result?.content).toBe(bigFile);
  }
  expect(last.map(textOf).join('').length).toBeGreaterThan(4 * bigFile.length);

  // Temporal holds references: no payload above the claim-check threshold is in the history.
  const figures = await historyFigures(harness.env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(threshold);
  expect(figures.bytes).toBeLessThan(bigFile.length);

  // The transcript route serves the conversation exactly as last sent, plus the final answer, which the
  // run archives after its last event: read once the run has closed.
  await harness.env.client.workflow.getHandle(workflowIdFor(id)).result();
  const transcript = await harness.api.request<{ total: number; messages: unknown[]; nextOffset: number | null }>('GET', `/v1/generations/${id}/transcript?limit=500`);
  expect(transcript.status).toBe(200);
  expect(transcript.body.total).toBe(last.length + 1);
  const pages: unknown[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: { body: { messages: unknown[]; nextOffset: number | null } } = await harness.api.request('GET', `/v1/generations/${id}/transcript?offset=${offset}&limit=2`);
    pages.push(...page.body.messages);
    offset = page.body.nextOffset;
  }
  expect(pages.slice(0, last.length)).toEqual(last);
  expect(pages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Read it three times.' }] });
}, 120_000);

test('a prompt at the 200,000-character cap in CJK (~600 KB of UTF-8) completes and reaches the model exactly; the state does not carry it whole', async () => {
  expect(cjkPromptText).toHaveLength(200_000);
  expect(Buffer.byteLength(cjkPromptText, 'utf8')).toBeGreaterThan(590_000);
  const id = await harness.api.create(cjkPromptText);
  await harness.api.pollToEnd(id, { timeoutMs: 60_000 });
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.text).toBe('长提示已读完。');

  const [first] = harness.fake.requests.filter((request) => request.scenario === 'cjkPrompt');
  expect(first.body.messages).toHaveLength(1);
  expect(first.body.messages[0].role).toBe('user');
  expect(first.body.messages[0].content === cjkPromptText).toBe(true); // not toEqual: a diff of 600 KB is unreadable

  const transcript = await harness.api.request<{ messages: RequestMessage[] }>('GET', `/v1/generations/${id}/transcript?limit=1`);
  expect(transcript.body.messages[0].content === cjkPromptText).toBe(true);

  const figures = await historyFigures(harness.env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(threshold);

  // BOUNDED-STATE ASSERTION (the lead is bounding the state now): the state served by the API keeps
  // a cut prompt, not 600 KB. Until that lands this is the one assertion of this test that fails.
  const promptBytesInState = Buffer.byteLength(state.prompt, 'utf8');
  expect(promptBytesInState).toBeLessThanOrEqual(16 * 1024);
  expect(cjkPromptText.startsWith(state.prompt.slice(0, 100))).toBe(true);
}, 120_000);

test('a follow-up message after a generation whose conversation reached ~3 MB sends the whole old conversation plus the new text, under the same id', async () => {
  const id = await harness.api.create(promptFor('followUpBig'));
  const events = await harness.api.pollToEnd(id, { timeoutMs: 90_000 });
  const finished = await harness.api.state(id);
  expect(finished.status).toBe('completed');
  expect(finished.text.endsWith('First answer.')).toBe(true);
  const firstRun = harness.fake.requests.filter((request) => request.scenario === 'followUpBig');
  const lastOfFirstRun = firstRun.at(-1)?.body.messages ?? [];
  expect(lastOfFirstRun).toHaveLength(9);
  expect(JSON.stringify(lastOfFirstRun).length).toBeGreaterThan(4 * followFile.length);
  const lastSeq = events.at(-1)?.seq as number;
  expect(lastSeq).toBe(finished.lastSeq);

  const text = 'Now summarise follow.txt in one line.';
  expect(await harness.api.post(`/v1/generations/${id}/messages`, { text })).toEqual({ status: 202, body: expect.anything() });
  const all = await harness.api.pollToEnd(id, { timeoutMs: 90_000 });
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.generationId).toBe(id);
  expect(state.text.endsWith('First answer.Follow-up answered.')).toBe(true);
  // Same generation, one event sequence: the old events unchanged, the new ones numbered after them.
  expect(all.slice(0, lastSeq)).toEqual(events);
  expect(all[lastSeq]).toEqual(expect.objectContaining({ type: 'message.received', seq: lastSeq + 1, text }));
  expect(eventsOfType(all, 'iteration.started').map((event) => event.iteration)).toEqual([1, 2, 3, 4, 5, 6]);

  const followUp = harness.fake.requests.filter((request) => request.scenario === 'followUpBig').at(-1);
  const messages = followUp?.body.messages ?? [];
  expect(followUp?.turn).toBe(5);
  expect(messages).toHaveLength(11);
  expect(messages.slice(0, 9)).toEqual(lastOfFirstRun);
  expect(messages[9]).toEqual({ role: 'assistant', content: [expect.objectContaining({ type: 'text', text: 'First answer.' })] });
  expect(messages[10]).toEqual({ role: 'user', content: text });

  const figures = await historyFigures(harness.env.client, workflowIdFor(id));
  expect(figures.runs).toBe(2);
  expect(figures.largestPayload).toBeLessThanOrEqual(threshold);
}, 180_000);

describe('continue-as-new with a ~5 MB conversation', () => {
  const turns = 10;
  const fileOf = (turn: number): string => bulkText(256 * 1024, `can${turn}`);
  const files = Array.from({ length: turns }, (_, turn) => fileOf(turn));
  /** Each turn writes a 256 KB file, reads it back and counts: ~512 KB of conversation a turn, ~5 MB in all. */
  const canScenarios: Record<string, Scenario> = {
    canFiveMb: (_request, { turn }) =>
      turn < turns
        ? {
            jsonChunking: 4096,
            steps: [
              { type: 'text', text: `Turn ${turn + 1}. ` },
              { type: 'tool_use', id: `toolu_can_write_${turn}`, name: 'write_file', input: { path: `can${turn}.txt`, content: files[turn] } },
              { type: 'tool_use', id: `toolu_can_read_${turn}`, name: 'read_file', input: { path: `can${turn}.txt` } },
              { type: 'tool_use', id: `toolu_can_count_${turn}`, name: 'count', input: { key: `turn${turn}` } },
            ],
          }
        : { steps: [{ type: 'text', text: 'All written and read.' }] },
  };
  // 100 events (the minimum) is a few iterations: the run continues-as-new several times.
  const canHarness = useHarness({ scenarios: canScenarios, env: { TOOLSTREAM_CONTINUE_AS_NEW_EVENTS: '100', TOOLSTREAM_EVENT_BUFFER: '5000' } }, temporalEnv);

  test('runs several times, completes, and its last request holds the whole conversation with every tool_use answered once', async () => {
    const id = await canHarness.api.create(promptFor('canFiveMb'), { maxIterations: turns + 1 });
    const events = await canHarness.api.pollToEnd(id, { timeoutMs: 150_000, limit: 1000 });
    const state = await canHarness.api.state(id);
    expect(state.status).toBe('completed');
    expect(state.stopReason).toBe('end_turn');
    expect(eventsOfType(events, 'generation.started')).toHaveLength(1);
    expect(eventsOfType(events, 'iteration.started').map((event) => event.iteration)).toEqual(Array.from({ length: turns + 1 }, (_, i) => i + 1));
    expect(state.tools).toHaveLength(3 * turns);
    expect(state.tools.filter((tool) => tool.status !== 'completed' || tool.attempts !== 1)).toEqual([]);
    expect(readCounters(canHarness.workspaceOf(id))).toEqual(Object.fromEntries(Array.from({ length: turns }, (_, turn) => [`turn${turn}`, 1])));

    const requests = canHarness.fake.requests.filter((request) => request.scenario === 'canFiveMb');
    expect(toolResultProblems(requests)).toEqual([]);
    const last = requests.at(-1)?.body.messages ?? [];
    expect(last).toHaveLength(1 + 2 * turns);
    expect(JSON.stringify(last).length).toBeGreaterThan(5_000_000);
    for (let turn = 0; turn < turns; turn++) {
      const assistant = last[1 + 2 * turn].content as Array<{ type: string; id?: string; input?: { content?: string } }>;
      const uses = assistant.filter((block) => block.type === 'tool_use');
      expect(uses.map((block) => block.id)).toEqual([`toolu_can_write_${turn}`, `toolu_can_read_${turn}`, `toolu_can_count_${turn}`]);
      expect(uses[0].input?.content === files[turn]).toBe(true);
      const results = last[2 + 2 * turn].content as Array<{ type: string; tool_use_id?: string; content?: unknown }>;
      // Each tool_use answered exactly once, in the message right after it.
      expect(results.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id)).toEqual(uses.map((block) => block.id));
      expect(results.find((block) => block.tool_use_id === `toolu_can_read_${turn}`)?.content === files[turn]).toBe(true);
    }

    const figures = await historyFigures(harness.env.client, workflowIdFor(id));
    expect(figures.runs).toBeGreaterThanOrEqual(3); // 3 when written: ~100 events is three or four iterations
    expect(figures.largestPayload).toBeLessThanOrEqual(threshold);
  }, 180_000);
});

/** The iteration in a model activity's input, or undefined when the input is a claim-check reference. */
function iterationIn(payload: Payload | null | undefined): number | undefined {
  if (!payload) return undefined;
  try {
    const input = defaultPayloadConverter.fromPayload<{ iteration?: unknown } | null>(payload);
    return typeof input?.iteration === 'number' ? input.iteration : undefined;
  } catch {
    return undefined;
  }
}

interface IterationHistory {
  /** Serialized bytes of the history events of each iteration, from its model activity's scheduling to the next one's. */
  bytes: Map<number, number>;
  events: Map<number, number>;
  /** Each run's first event (its input, with the carried-over event log), counted apart. */
  runStartBytes: number[];
}

/**
 * Every run of a workflow id, oldest first, its events grouped by iteration: an event belongs to the
 * iteration of the last model activity scheduled before it. The activity's input names its
 * iteration; when the input is a claim-check reference, the iteration is the one before plus one.
 */
async function historyByIteration(client: Client, workflowId: string): Promise<IterationHistory> {
  const runs = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution);
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const figures: IterationHistory = { bytes: new Map(), events: new Map(), runStartBytes: [] };
  let iteration = 0;
  for (const run of runs) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const bytes = temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
      if (event.workflowExecutionStartedEventAttributes) {
        figures.runStartBytes.push(bytes);
        continue;
      }
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'streamModelTurn') iteration = iterationIn(scheduled.input?.payloads?.[0] as Payload | undefined) ?? iteration + 1;
      figures.bytes.set(iteration, (figures.bytes.get(iteration) ?? 0) + bytes);
      figures.events.set(iteration, (figures.events.get(iteration) ?? 0) + 1);
    }
  }
  return figures;
}

function filesUnder(dir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  if (!fs.existsSync(dir)) return { count, bytes };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const inner = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = filesUnder(inner);
      count += sub.count;
      bytes += sub.bytes;
    } else {
      count++;
      bytes += fs.statSync(inner).size;
    }
  }
  return { count, bytes };
}

/**
 * A client of histories above 4 MB: the SDK's default receive limit is set under a key grpc-js does
 * not read (`max_receive_message_length`, not `grpc.max_receive_message_length`), so harness.env.client stops at 4 MiB.
 */
async function largeHistoryClient(address: string): Promise<Client> {
  const connection = await Connection.connect({ address, channelArgs: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 } });
  return new Client({ connection });
}

/**
 * ApiClient.pollToEnd, except that a 503 (which the API answers with Retry-After when Temporal is
 * slow to answer a query) is retried from the same cursor, as a client should, and counted.
 */
async function pollRidingOut503(api: ApiClient, id: string, timeoutMs: number): Promise<{ events: GenerationEvent[]; unavailable: string[] }> {
  const deadline = Date.now() + timeoutMs;
  const events: GenerationEvent[] = [];
  const unavailable: string[] = [];
  let cursor = 0;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`generation ${id} not read to its end after ${timeoutMs} ms`);
    const res = await api.request<EventPage & { error?: { code: string } }>('GET', `/v1/generations/${id}/events?after=${cursor}&limit=1000`);
    if (res.status === 503) {
      unavailable.push(`${new Date().toISOString()} after seq ${cursor}: ${res.body.error?.code}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (res.status !== 200) throw new Error(`events failed: ${res.status} ${JSON.stringify(res.body)}`);
    const page = res.body;
    if (page.gap) throw new Error(`gap after seq ${cursor}`);
    for (const event of page.events) {
      if (event.seq !== cursor + 1) throw new Error(`expected seq ${cursor + 1}, got ${event.seq}`);
      events.push(event);
      cursor = event.seq;
    }
    const caughtUp = cursor === page.lastSeq;
    if (caughtUp && page.status !== 'running') return { events, unavailable };
    if (caughtUp) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('20 MB of conversation over 100 iterations', () => {
  const iterations = 100;
  const fileBytes = 100 * 1024;
  const files: string[] = [];
  const fileOf = (turn: number): string => (files[turn] ??= bulkText(fileBytes, `long${turn}`));
  /** What the scenario found wrong in the requests it saw (their bodies are not kept). */
  const requestProblems: string[] = [];

  function checkRequest(request: MessagesRequestBody, turn: number): void {
    if (request.messages.length !== 1 + 2 * turn) requestProblems.push(`turn ${turn}: ${request.messages.length} messages`);
    if (turn === 0) return;
    const previous = request.messages.at(-1)?.content;
    const results = Array.isArray(previous) ? previous.filter((block) => block.type === 'tool_result') : [];
    if (results.map((block) => block.tool_use_id).join() !== `toolu_long_write_${turn - 1},toolu_long_read_${turn - 1}`) {
      requestProblems.push(`turn ${turn}: results ${JSON.stringify(results.map((block) => block.tool_use_id))}`);
    }
    if (results[1]?.content !== fileOf(turn - 1)) requestProblems.push(`turn ${turn}: read_file result is not the file`);
  }

  const longScenarios: Record<string, Scenario> = {
    longRun: (request, { turn }) => {
      checkRequest(request, turn);
      if (turn >= iterations) return { steps: [{ type: 'text', text: 'Wrote and read them all.' }] };
      return {
        jsonChunking: 4096,
        steps: [
          { type: 'text', text: `File ${turn + 1}. ` },
          { type: 'tool_use', id: `toolu_long_write_${turn}`, name: 'write_file', input: { path: `long/${turn}.txt`, content: fileOf(turn) } },
          { type: 'tool_use', id: `toolu_long_read_${turn}`, name: 'read_file', input: { path: `long/${turn}.txt` } },
        ],
      };
    },
  };
  const longHarness = useHarness(
    {
      scenarios: longScenarios,
      // 100 requests averaging 10 MB: the fake keeps only the last body.
      keepRequestBodies: 'last',
      // Our own continue-as-new off: only Temporal's suggestion (history size) may start another run.
      env: { TOOLSTREAM_CONTINUE_AS_NEW_EVENTS: '1000000', TOOLSTREAM_EVENT_BUFFER: '10000' },
    },
    temporalEnv,
  );

  test('completes; no history payload passes the threshold, and history per iteration stays flat while the conversation grows 100-fold', async () => {
    const startedAt = Date.now();
    const id = await longHarness.api.create(promptFor('longRun'), { maxIterations: iterations + 1 });
    const { events, unavailable } = await pollRidingOut503(longHarness.api, id, 300_000);
    const runtimeMs = Date.now() - startedAt;
    const state = await longHarness.api.state(id);
    expect(state.status).toBe('completed');
    expect(state.stopReason).toBe('end_turn');
    expect(state.iteration).toBe(iterations + 1);
    expect(state.tools.filter((tool) => tool.status !== 'completed' || tool.attempts !== 1)).toEqual([]);
    expect(state.tools).toHaveLength(2 * iterations);
    expect(eventsOfType(events, 'generation.started')).toHaveLength(1);
    expect(eventsOfType(events, 'iteration.started').map((event) => event.iteration)).toEqual(Array.from({ length: iterations + 1 }, (_, i) => i + 1));
    expect(requestProblems).toEqual([]);

    const requests = longHarness.fake.requests.filter((request) => request.scenario === 'longRun');
    expect(requests.map((request) => request.turn)).toEqual(Array.from({ length: iterations + 1 }, (_, turn) => turn));
    const last = requests.at(-1)?.body.messages ?? [];
    expect(last).toHaveLength(1 + 2 * iterations);
    for (let turn = 0; turn < iterations; turn++) {
      const write = (last[1 + 2 * turn].content as Array<{ type: string; input?: { content?: string } }>).find((block) => block.type === 'tool_use');
      const read = (last[2 + 2 * turn].content as Array<{ type: string; content?: unknown }>).filter((block) => block.type === 'tool_result')[1];
      if (write?.input?.content !== fileOf(turn) || read?.content !== fileOf(turn)) throw new Error(`turn ${turn} is not whole in the last request`);
    }
    const conversationBytes = Buffer.byteLength(JSON.stringify(last));
    expect(conversationBytes).toBeGreaterThan(20_000_000);

    const histories = await largeHistoryClient(harness.env.address);
    const figures = await historyFigures(histories, workflowIdFor(id));
    expect(figures.largestPayload).toBeLessThanOrEqual(threshold);

    // Per iteration, history is what the iteration itself did (its tool calls, inline below the
    // threshold), not the conversation so far: iterations 91-100 take no more than 2-11 did.
    const byIteration = await historyByIteration(histories, workflowIdFor(id));
    const at = (from: number): number[] => Array.from({ length: 10 }, (_, i) => byIteration.bytes.get(from + i) ?? 0);
    const early = mean(at(2));
    const late = mean(at(iterations - 9));

    // Outside Temporal, each message is stored once and each claim-checked payload once: the store
    // grows with the conversation, not with its square (which would be ~1 GB here).
    const store = longHarness.config.store;
    if (store.kind !== 'fs') throw new Error('expected the filesystem store');
    const messages = filesUnder(path.join(store.dir, 'generations', id, 'messages'));
    const payloads = filesUnder(path.join(store.dir, 'payloads'));

    process.stderr.write(
      `${JSON.stringify({
        runtimeMs,
        unavailable,
        conversationBytes,
        runs: figures.runs,
        historyBytes: figures.bytes,
        historyEvents: figures.events,
        largestPayload: figures.largestPayload,
        meanIterationBytes: { early: Math.round(early), late: Math.round(late) },
        iterationBytes: Object.fromEntries(byIteration.bytes),
        runStartBytes: byIteration.runStartBytes,
        store: { messages, payloads },
      })}\n`,
    );
    expect(at(2).every((bytes) => bytes > 0) && at(iterations - 9).every((bytes) => bytes > 0)).toBe(true);
    expect(late).toBeLessThanOrEqual(early * 1.2);
    expect(Math.max(...byIteration.runStartBytes)).toBeLessThanOrEqual(2 * threshold);
    expect(messages.count).toBe(1 + 2 * iterations + 1);
    expect(messages.bytes).toBeLessThan(1.2 * conversationBytes);
    // ~3.8x when written (each turn's pending messages and results, once each); the square would be ~50x.
    expect(payloads.bytes).toBeLessThan(8 * conversationBytes);
    await histories.connection.close();
  }, 360_000);
});
