import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import type { EventPage } from '../../src/shared/event-log';
import type { GenerationEvent } from '../../src/shared/events';
import { foldEvents } from '../../src/shared/reducer';
import type { GenerationState } from '../../src/shared/state';
import { createApp } from '../../src/server/create-app';
import { readSse, type SseResult } from '../support/sse-client';
import { promptFor } from '../support/scenario';
import { useTemporalEnv } from '../support/temporal-env';
import { useHarness } from '../support/toolstream-harness';

const TOKEN = 'push-stream-test-token';
const done: ScriptedTurn = { steps: [{ type: 'text', text: 'Finished.' }] };
const scenarios: Record<string, Scenario> = {
  chatty: [
    {
      steps: [
        { type: 'text', text: 'Part one of a long answer. '.repeat(8) },
        { type: 'tool_use', id: 'toolu_chatty_1', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
        { type: 'text', text: 'Part two of a long answer. '.repeat(8) },
        { type: 'tool_use', id: 'toolu_chatty_2', name: 'write_file', input: { path: 'b.txt', content: 'b' } },
      ],
      tokensPerSecond: 150,
    },
    done,
  ],
  // Quiet for a while mid-generation: a sleeping tool between two turns.
  pause: [{ steps: [{ type: 'tool_use', id: 'toolu_pause', name: 'sleep', input: { ms: 2500 } }] }, done],
};

const temporalEnv = useTemporalEnv();
const auth = { authorization: `Bearer ${TOKEN}` };

function eventsOf(result: SseResult): GenerationEvent[] {
  return result.messages.filter((message) => message.event !== 'snapshot').map((message) => JSON.parse(message.data) as GenerationEvent);
}

/** Every message's id is its event's seq, and its SSE event name the event's type. */
function expectWellFormed(result: SseResult): void {
  for (const message of result.messages) {
    if (message.event === 'snapshot') continue;
    const event = JSON.parse(message.data) as GenerationEvent;
    expect([message.id, message.event]).toEqual([String(event.seq), event.type]);
  }
}

describe('with a token and the default buffer', () => {
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_API_TOKEN: TOKEN } }, temporalEnv);
  const streamUrl = (id: string, query = ''): string => `${harness.toolstream.url}/v1/generations/${id}/stream${query}`;

  test('a live generation streams every event in order, ids = seqs, and the stream ends after the terminal event', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const streamed = await readSse(streamUrl(id), { headers: auth });
    expect(streamed.status).toBe(200);
    expect(streamed.contentType).toMatch(/^text\/event-stream/);
    expect(streamed.endedByServer).toBe(true);
    expectWellFormed(streamed);
    const events = eventsOf(streamed);
    expect(events.map((event) => event.seq)).toEqual(events.map((_event, i) => i + 1));
    expect(events.at(-1)?.type).toBe('generation.completed');
    // The same events a poller gets, byte for byte.
    expect(events).toEqual((await harness.api.events(id, 0)).events);
    expect(events.filter((event) => event.type === 'text.delta').length).toBeGreaterThan(3);
  });

  test('a client that reconnects with Last-Event-ID loses and repeats nothing; ?after starts after that seq', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const pieces: GenerationEvent[][] = [];
    let lastId = '';
    for (let connection = 0; connection < 20; connection++) {
      const headers: Record<string, string> = lastId === '' ? auth : { ...auth, 'last-event-id': lastId };
      // Hang up after a few events each time, mid-generation.
      const part = await readSse(streamUrl(id, '?after=0'), { headers, until: (messages) => messages.length >= 5 });
      pieces.push(eventsOf(part));
      lastId = part.messages.at(-1)?.id ?? lastId;
      if (part.endedByServer) break;
    }
    const joined = pieces.flat();
    expect(pieces.length).toBeGreaterThan(2);
    expect(joined.map((event) => event.seq)).toEqual(joined.map((_event, i) => i + 1));
    expect(joined).toEqual((await harness.api.events(id, 0)).events);

    const after = await readSse(streamUrl(id, '?after=4'), { headers: auth });
    expect(eventsOf(after)).toEqual(joined.slice(4));
    // A reconnect's Last-Event-ID wins over the URL's first ?after.
    const resumed = await readSse(streamUrl(id, '?after=1'), { headers: { ...auth, 'last-event-id': '6' } });
    expect(eventsOf(resumed)).toEqual(joined.slice(6));
  });

  test('the token is needed: by header or, for EventSource, as ?access_token=', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const none = await readSse(streamUrl(id));
    expect(none.status).toBe(401);
    expect(JSON.parse(none.raw)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await readSse(streamUrl(id, '?access_token=wrong'))).status).toBe(401);
    const byQuery = await readSse(streamUrl(id, `?access_token=${TOKEN}`));
    expect(byQuery.status).toBe(200);
    expect(eventsOf(byQuery).at(-1)?.type).toBe('generation.completed');
    // Only the stream takes it from the URL.
    expect((await harness.api.request('GET', `/v1/generations/${id}?access_token=${TOKEN}`, undefined, { authorization: '' })).status).toBe(401);
    const unknown = await readSse(streamUrl('no-such-generation'), { headers: auth });
    expect(unknown.status).toBe(404);
  });

  test('a long poll answers as soon as an event arrives, and with an empty page at its deadline', async () => {
    const id = await harness.api.create(promptFor('pause'));
    const sleeping = await harness.api.waitForState(id, (state) => state.tools.some((tool) => tool.status === 'running'));
    const began = Date.now();
    const early = await harness.api.request<EventPage>('GET', `/v1/generations/${id}/events?after=${sleeping.lastSeq}&wait=20000`);
    const tookEarly = Date.now() - began;
    expect(early.status).toBe(200);
    expect(early.body.events[0]?.seq).toBe(sleeping.lastSeq + 1);
    // The tool sleeps 2.5 s: the answer came with its completion, long before the 20 s deadline.
    expect(tookEarly).toBeLessThan(10_000);

    const final = await harness.api.waitForState(id, (state) => state.status === 'completed');
    const waitBegan = Date.now();
    const empty = await harness.api.request<EventPage>('GET', `/v1/generations/${id}/events?after=${final.lastSeq}&wait=700`);
    expect(Date.now() - waitBegan).toBeGreaterThanOrEqual(650);
    expect(empty.body).toMatchObject({ events: [], lastSeq: final.lastSeq, gap: false, status: 'completed' });

    const tooLong = await harness.api.request<{ error: { message: string } }>('GET', `/v1/generations/${id}/events?wait=30001`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('wait');
  });

  test('many streams and long polls of one live generation, at different cursors, each get every event after their cursor once', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    // Followers of one wake share its page per cursor: subscribers at other cursors must still get exactly theirs.
    const streams = [
      ...Array.from({ length: 8 }, () => readSse(streamUrl(id), { headers: auth })),
      ...Array.from({ length: 4 }, () => readSse(streamUrl(id, '?after=2'), { headers: auth })),
      ...Array.from({ length: 4 }, () => readSse(streamUrl(id), { headers: { ...auth, 'last-event-id': '5' } })),
    ];
    const longPollers = Array.from({ length: 8 }, async () => {
      const seen: GenerationEvent[] = [];
      for (;;) {
        const page = await harness.api.request<EventPage>('GET', `/v1/generations/${id}/events?after=${seen.at(-1)?.seq ?? 0}&wait=10000`);
        expect(page.status).toBe(200);
        seen.push(...page.body.events);
        if (page.body.status === 'completed' && (seen.at(-1)?.seq ?? 0) >= page.body.lastSeq) return seen;
      }
    });
    const streamed = await Promise.all(streams);
    const polled = await Promise.all(longPollers);
    const all = (await harness.api.events(id, 0)).events;
    expect(all.at(-1)?.type).toBe('generation.completed');
    streamed.forEach((result, i) => {
      expect(result.endedByServer).toBe(true);
      expectWellFormed(result);
      expect(eventsOf(result)).toEqual(all.slice(i < 8 ? 0 : i < 12 ? 2 : 5));
    });
    for (const seen of polled) expect(seen).toEqual(all);
    // However many watch it, the API process read the generation through one query stream.
    expect(harness.toolstream.generations.reader.stats.maxQueriesInFlightPerGeneration).toBe(1);
  });

  test('a quiet stream carries keep-alive comments', async () => {
    const app = createApp({
      generations: harness.toolstream.generations,
      commands: undefined as never,
      health: async () => ({ ok: true, details: {} }),
      push: { keepAliveMs: 200 },
    });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const id = await harness.api.create(promptFor('pause'));
      await harness.api.waitForState(id, (state) => state.tools.some((tool) => tool.status === 'running'));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/generations/${id}/stream`;
      const quiet = await readSse(url, { until: (_messages, raw) => raw.split(': keep-alive').length > 3 });
      expect(quiet.endedByServer).toBe(false);
      expect(quiet.raw).toContain(': keep-alive\n\n');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('with a small event buffer', () => {
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_EVENT_BUFFER: '10' } }, temporalEnv);

  test('a client behind the buffer first gets a snapshot; folding the events onto it gives the final state', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const final = await harness.api.waitForState(id, (state) => state.status === 'completed');
    expect(final.lastSeq).toBeGreaterThan(10);
    const streamed = await readSse(`${harness.toolstream.url}/v1/generations/${id}/stream`);
    expect(streamed.messages[0].event).toBe('snapshot');
    const snapshot = JSON.parse(streamed.messages[0].data) as GenerationState;
    expect(streamed.messages[0].id).toBe(String(snapshot.lastSeq));
    expect(snapshot.lastSeq).toBe(final.lastSeq - 10);
    expectWellFormed(streamed);
    const { elapsedMs: _elapsed, ...served } = final;
    expect(foldEvents(eventsOf(streamed), snapshot)).toEqual(served);
  });
});
