import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { request as httpRequest } from 'http';
import { startFakeAnthropic, type FakeAnthropicOptions, type FakeAnthropicServer } from '../../src/fake-anthropic';

export const MODEL = 'claude-fake-test';

/** Starts a fake for the surrounding describe block and closes it afterwards. */
export function useFakeAnthropic(options: FakeAnthropicOptions): { readonly server: FakeAnthropicServer; readonly client: Anthropic } {
  let server: FakeAnthropicServer | undefined;
  let client: Anthropic | undefined;
  beforeAll(async () => {
    server = await startFakeAnthropic(options);
    client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('fake server not started');
      return server;
    },
    get client() {
      if (!client) throw new Error('fake server not started');
      return client;
    },
  };
}

export function userPrompt(text: string): Anthropic.MessageParam[] {
  return [{ role: 'user', content: text }];
}

/** Streams with the real SDK and collects the parsed raw events. */
export async function streamEvents(client: Anthropic, messages: Anthropic.MessageParam[]): Promise<RawMessageStreamEvent[]> {
  const stream = await client.messages.create({ model: MODEL, max_tokens: 1024, messages, stream: true });
  const events: RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Like streamEvents, but keeps what arrived before the SDK threw. */
export async function streamEventsUntilError(
  client: Anthropic,
  messages: Anthropic.MessageParam[],
): Promise<{ events: RawMessageStreamEvent[]; error: unknown }> {
  const events: RawMessageStreamEvent[] = [];
  try {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 1024, messages, stream: true });
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

export function eventTypes(events: RawMessageStreamEvent[]): string[] {
  return events.map((e) => e.type);
}

/** Concatenated input_json_delta text per content block index. */
export function jsonByIndex(events: RawMessageStreamEvent[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') {
      out.set(e.index, (out.get(e.index) ?? '') + e.delta.partial_json);
    }
  }
  return out;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Number of separate 'data' chunks the socket delivered. */
  chunks: number;
}

/** POST with Node's http client, to see exact bytes and packetization the SDK hides. */
export function postRaw(url: string, body: unknown): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), chunks: parts.length }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export function rawStreamRequest(prompt: string): Record<string, unknown> {
  return { model: MODEL, max_tokens: 1024, stream: true, messages: userPrompt(prompt) };
}
