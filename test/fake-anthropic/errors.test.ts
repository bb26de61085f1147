import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { startFakeAnthropic, type ScriptedTurn } from '../../src/fake-anthropic';
import { MODEL, postRaw, rawStreamRequest, streamEventsUntilError, useFakeAnthropic, userPrompt } from './helpers';

const scenarios: Record<string, ScriptedTurn[]> = {
  rateLimited: [{ steps: [], httpError: { status: 429, errorType: 'rate_limit_error', message: 'Slow down', retryAfterSeconds: 7 } }],
  overloaded: [{ steps: [], httpError: { status: 529, errorType: 'overloaded_error', message: 'Overloaded' } }],
  midStreamError: [{ steps: [{ type: 'text', text: 'Partial answer' }, { type: 'error', errorType: 'overloaded_error', message: 'Overloaded mid-stream' }] }],
  disconnect: [{ steps: [{ type: 'text', text: 'Partial answer' }, { type: 'disconnect' }] }],
  stall: [{ steps: [{ type: 'text', text: 'Partial answer' }, { type: 'stall' }] }],
};

describe('fake-anthropic errors', () => {
  const fake = useFakeAnthropic({ scenarios });

  it('turns httpError into the SDK APIError with status and retry-after', async () => {
    const err = await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: userPrompt('[[scenario:rateLimited]]'), stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const apiError = err as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.headers?.get('retry-after')).toBe('7');
    expect(apiError.type).toBe('rate_limit_error');
    expect(apiError.apiMessage).toBe('Slow down');
    expect(apiError.requestID).toMatch(/^req_/);
  });

  it('maps 529 to an InternalServerError with overloaded_error', async () => {
    const err = await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: userPrompt('[[scenario:overloaded]]') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect((err as APIError).status).toBe(529);
    expect((err as APIError).type).toBe('overloaded_error');
  });

  it('makes the SDK throw on a mid-stream error event, after the earlier events', async () => {
    const { events, error } = await streamEventsUntilError(fake.client, userPrompt('[[scenario:midStreamError]]'));
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('overloaded_error');
    expect((error as APIError).apiMessage).toBe('Overloaded mid-stream');
    expect(events.map((e) => e.type)).toContain('content_block_stop');
    expect(events.map((e) => e.type)).not.toContain('message_stop');
  });

  it('destroys the socket on disconnect, which the SDK reports as an error', async () => {
    const { events, error } = await streamEventsUntilError(fake.client, userPrompt('[[scenario:disconnect]]'));
    expect(error).toBeDefined();
    expect(events[0]?.type).toBe('message_start');
    expect(events.map((e) => e.type)).not.toContain('message_stop');
  });

  it('stalls until the client aborts', async () => {
    const controller = new AbortController();
    const stream = await fake.client.messages.create(
      { model: MODEL, max_tokens: 10, messages: userPrompt('[[scenario:stall]]'), stream: true },
      { signal: controller.signal },
    );
    const seen: string[] = [];
    const stalledAt = Date.now();
    setTimeout(() => controller.abort(), 300);
    try {
      for await (const event of stream) seen.push(event.type);
    } catch {
      // An abort may surface as an error depending on timing; either is fine here.
    }
    expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(250);
    expect(seen).toContain('content_block_stop');
    expect(seen).not.toContain('message_delta');
    const record = fake.server.responses[fake.server.responses.length - 1];
    expect(record.scenario).toBe('stall');
    expect(record.endedAt).toBeUndefined();
  });

  it('rejects requests missing required fields with invalid_request_error', async () => {
    for (const [field, body] of [
      ['model', { max_tokens: 10, messages: userPrompt('hi') }],
      ['max_tokens', { model: MODEL, messages: userPrompt('hi') }],
      ['messages', { model: MODEL, max_tokens: 10 }],
    ] as const) {
      const res = await postRaw(fake.server.url, body);
      expect(res.status).toBe(400);
      const parsed = JSON.parse(res.body.toString()) as { type: string; error: { type: string; message: string } };
      expect(parsed.type).toBe('error');
      expect(parsed.error.type).toBe('invalid_request_error');
      expect(parsed.error.message).toContain(field);
    }
  });

  it('answers 400 naming an unknown scenario, and 404 for other routes', async () => {
    const err = await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: userPrompt('[[scenario:nope]]') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as APIError).apiMessage).toContain('"nope"');

    const noDefault = await postRaw(fake.server.url, rawStreamRequest('no tag here'));
    expect(noDefault.status).toBe(400);
    expect(noDefault.body.toString()).toContain('defaultScenario');

    const res = await fetch(`${fake.server.url}/v1/models`);
    expect(res.status).toBe(404);
  });
});

describe('fake-anthropic api key and shutdown', () => {
  it('requires the configured x-api-key', async () => {
    const server = await startFakeAnthropic({ apiKey: 'sk-right', defaultScenario: [{ steps: [{ type: 'text', text: 'ok' }] }] });
    try {
      const wrong = new Anthropic({ apiKey: 'sk-wrong', baseURL: server.url, maxRetries: 0 });
      const err = await wrong.messages.create({ model: MODEL, max_tokens: 10, messages: userPrompt('hi') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      const right = new Anthropic({ apiKey: 'sk-right', baseURL: server.url, maxRetries: 0 });
      const message = await right.messages.create({ model: MODEL, max_tokens: 10, messages: userPrompt('hi') });
      expect(message.content).toEqual([{ type: 'text', text: 'ok' }]);
    } finally {
      await server.close();
    }
  });

  it('close() ends stalled streams and resolves', async () => {
    const server = await startFakeAnthropic({ defaultScenario: () => ({ steps: [{ type: 'text', text: 'x' }, { type: 'stall' }] }) });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    const consumed = streamEventsUntilError(client, userPrompt('hi'));
    while (server.responses[0]?.blockStops.length !== 1) await new Promise((r) => setTimeout(r, 10));
    await server.close();
    const { events, error } = await consumed;
    expect(error).toBeDefined();
    expect(events.map((e) => e.type)).not.toContain('message_stop');
    await server.close(); // idempotent
  });
});
