import type { ScriptedTurn } from '../../src/fake-anthropic';
import { MODEL, postRaw, rawStreamRequest, useFakeAnthropic, userPrompt } from './helpers';

const MULTIBYTE = 'héllo 🌍 日本語 — ça marche 👍🏽';

const scenarios: Record<string, ScriptedTurn[]> = {
  byteSplit: [
    {
      byteSplit: true,
      chunkChars: 3,
      steps: [
        { type: 'text', text: MULTIBYTE },
        { type: 'tool_use', name: 'write_file', input: { path: 'i18n/日本.txt', content: MULTIBYTE } },
      ],
    },
  ],
  paced: [{ tokensPerSecond: 100, steps: [{ type: 'text', text: 'abcd'.repeat(100) }] }],
  paused: [{ steps: [{ type: 'text', text: 'before' }, { type: 'pause', ms: 2300 }, { type: 'text', text: 'after' }] }],
};

describe('fake-anthropic transport', () => {
  const fake = useFakeAnthropic({ scenarios });

  it('keeps multi-byte text intact through the SDK when bytes are split across packets', async () => {
    const message = await fake.client.messages.stream({ model: MODEL, max_tokens: 100, messages: userPrompt('[[scenario:byteSplit]]') }).finalMessage();
    expect(message.content[0]).toEqual({ type: 'text', text: MULTIBYTE });
    expect(message.content[1]).toMatchObject({ type: 'tool_use', input: { path: 'i18n/日本.txt', content: MULTIBYTE } });
  });

  it('really delivers the byteSplit body in many tiny pieces', async () => {
    const res = await postRaw(fake.server.url, rawStreamRequest('[[scenario:byteSplit]]'));
    expect(res.status).toBe(200);
    expect(res.chunks).toBeGreaterThan(res.body.length / 10);
    expect(res.body.toString('utf8')).toContain('"text":"🌍 日"');
  });

  it('sends SSE headers and a ping right after message_start', async () => {
    const res = await postRaw(fake.server.url, rawStreamRequest('[[scenario:paused]]'));
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const frames = res.body.toString('utf8').split('\n\n').filter(Boolean);
    expect(frames[0]).toMatch(/^event: message_start\ndata: \{"type":"message_start"/);
    expect(frames[1]).toBe('event: ping\ndata: {"type":"ping"}');
    // The 2.3 s pause crosses the ~2 s ping interval once.
    expect(frames.filter((f) => f.startsWith('event: ping'))).toHaveLength(2);
    expect(frames[frames.length - 1]).toBe('event: message_stop\ndata: {"type":"message_stop"}');
  });

  it('spreads deltas according to tokensPerSecond', async () => {
    const stream = await fake.client.messages.create({ model: MODEL, max_tokens: 100, messages: userPrompt('[[scenario:paced]]'), stream: true });
    const deltaTimes: number[] = [];
    for await (const event of stream) if (event.type === 'content_block_delta') deltaTimes.push(Date.now());
    expect(deltaTimes).toHaveLength(100);
    // 100 four-char deltas at 100 tokens/s: about a second; assert only a lower bound.
    expect(deltaTimes[deltaTimes.length - 1] - deltaTimes[0]).toBeGreaterThanOrEqual(800);
    expect(deltaTimes[49] - deltaTimes[0]).toBeGreaterThanOrEqual(350);
  });

  it('records block stop times and the end of the stream', async () => {
    const before = fake.server.responses.length;
    await postRaw(fake.server.url, rawStreamRequest('[[scenario:paused]]'));
    const record = fake.server.responses[before];
    expect(record).toMatchObject({ scenario: 'paused', turn: 0, status: 200 });
    expect(record.blockStops.map((s) => [s.index, s.type])).toEqual([
      [0, 'text'],
      [1, 'text'],
    ]);
    expect(record.blockStops[1].at - record.blockStops[0].at).toBeGreaterThanOrEqual(2250);
    expect(record.endedAt).toBeGreaterThanOrEqual(record.blockStops[1].at);
    expect(record.startedAt).toBeLessThanOrEqual(record.blockStops[0].at);
  });
});
