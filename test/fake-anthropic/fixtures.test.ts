import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { readFileSync } from 'fs';
import { join } from 'path';
import { startFakeAnthropic, type FakeAnthropicServer } from '../../src/fake-anthropic';
import { FIXTURE_DIR, FIXTURE_SCENARIOS, fixtureScenarioMap, recordFixture } from './fixture-scenarios';
import { jsonByIndex } from './helpers';

const NAMES = Object.keys(FIXTURE_SCENARIOS);

function readFixture(name: string): Buffer {
  return readFileSync(join(FIXTURE_DIR, `${name}.sse`));
}

/** Parses a transcript with the SDK's own SSE decoder, as a live response would be. */
async function parseWithSdk(bytes: Buffer): Promise<RawMessageStreamEvent[]> {
  const response = new Response(new Uint8Array(bytes), { headers: { 'content-type': 'text/event-stream' } });
  const events: RawMessageStreamEvent[] = [];
  for await (const event of Stream.fromSSEResponse<RawMessageStreamEvent>(response, new AbortController())) events.push(event);
  return events;
}

describe('recorded SSE fixtures', () => {
  let server: FakeAnthropicServer;
  beforeAll(async () => {
    server = await startFakeAnthropic({ scenarios: fixtureScenarioMap() });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(NAMES)('%s.sse matches what the server produces (regenerate with write-fixtures.ts)', async (name) => {
    const recorded = await recordFixture(server, name);
    expect(recorded.toString('utf8')).toBe(readFixture(name).toString('utf8'));
  });

  it.each(NAMES)('%s.sse parses with the SDK and is a complete message', async (name) => {
    const text = readFixture(name).toString('utf8');
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    const events = await parseWithSdk(readFixture(name));
    expect(events[0].type).toBe('message_start');
    expect(events.slice(-2).map((e) => e.type)).toEqual(['message_delta', 'message_stop']);
  });

  it('text-and-tool: split JSON, a ping between blocks, an input-less tool', async () => {
    const text = readFixture('text-and-tool').toString('utf8');
    const frames = text.split('\n\n').filter(Boolean);
    const pingAt = frames.lastIndexOf('event: ping\ndata: {"type":"ping"}');
    expect(pingAt).toBeGreaterThan(2);
    const events = await parseWithSdk(readFixture('text-and-tool'));
    const json = jsonByIndex(events);
    expect(JSON.parse(json.get(1) ?? '')).toMatchObject({ path: 'src/app.js' });
    expect(events.filter((e) => e.type === 'content_block_delta' && e.index === 1).length).toBeGreaterThan(3);
    expect(json.has(3)).toBe(false);
  });

  it('max-tokens-cut: last block has no stop and the message ends with max_tokens', async () => {
    const events = await parseWithSdk(readFixture('max-tokens-cut'));
    expect(events.flatMap((e) => (e.type === 'content_block_stop' ? [e.index] : []))).toEqual([0, 1]);
    expect(events.some((e) => e.type === 'content_block_start' && e.index === 2)).toBe(true);
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta?.type === 'message_delta' && delta.delta.stop_reason).toBe('max_tokens');
  });

  it('invalid-tool-json: first tool JSON is malformed, second parses', async () => {
    const json = jsonByIndex(await parseWithSdk(readFixture('invalid-tool-json')));
    expect(() => JSON.parse(json.get(0) ?? '')).toThrow();
    expect(JSON.parse(json.get(1) ?? '')).toEqual({ path: 'notes.txt' });
  });
});
