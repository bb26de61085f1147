import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { createApp } from '../../src/server/create-app';
import { workflowIdFor } from '../../src/shared/generation';
import { createGenerationCommands, createGenerationService } from '../../src/runtime/api-server';
import { ApiClient } from '../support/api-client';
import { captureLogs } from '../support/log-capture';
import { promptFor } from '../support/scenario';
import { pause } from '../support/wait-for';
import { useHarness } from '../support/toolstream-harness';

const token = 'tok-OPS-' + 'x'.repeat(24);
const anthropicKey = 'sk-ant-OPSKEY-' + 'y'.repeat(24);

const done: ScriptedTurn = { steps: [{ type: 'text', text: 'Done.' }] };
const scenarios: Record<string, Scenario> = {
  tools: [
    { steps: [{ type: 'text', text: 'Writing.' }, { type: 'tool_use', id: 'toolu_ops_write', name: 'write_file', input: { path: 'a.txt', content: 'a' } }] },
    done,
  ],
  // Stays running until cancelled: a tool that sleeps far longer than the test.
  long: [{ steps: [{ type: 'tool_use', id: 'toolu_ops_sleep', name: 'sleep', input: { ms: 120_000 } }] }, done],
};

const logs = captureLogs({ secrets: [token, anthropicKey] });
const harness = useHarness({
  scenarios,
  logger: logs.logger,
  env: { TOOLSTREAM_API_TOKEN: token, ANTHROPIC_API_KEY: anthropicKey, TOOLSTREAM_MAX_ACTIVE_GENERATIONS: '1', TOOLSTREAM_CORS_ORIGINS: 'https://ops.example' },
});
let api: ApiClient;

beforeAll(() => {
  api = harness.api;
});

/** A second API process's worth of objects on the same Temporal and store: nothing shared in memory. */
async function secondApi(): Promise<{ api: ApiClient; close(): Promise<void> }> {
  const generations = createGenerationService(harness.config, harness.env.connection, harness.storage);
  const commands = createGenerationCommands(harness.config, harness.env.connection, harness.storage, generations);
  const app = createApp({ generations, commands, health: async () => ({ ok: true, details: {} }), apiToken: token });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api: new ApiClient(`http://127.0.0.1:${port}`, { authorization: `Bearer ${token}` }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function metricsText(client: ApiClient = api): Promise<string> {
  const res = await fetch(`${client.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one Prometheus series, by its name and labels as written. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let finishedId: string;

test('a real generation: /metrics counts its requests by route and status, the reader and the open stream', async () => {
  const created = await api.request<{ id: string }>('POST', '/v1/generations', { prompt: promptFor('tools') });
  expect(created.status).toBe(201);
  finishedId = created.body.id;
  // An SSE stream open while the generation runs, read to its end.
  const stream = fetch(`${api.baseUrl}/v1/generations/${finishedId}/stream?access_token=${token}`).then((res) => res.text());
  await api.pollToEnd(finishedId);
  const streamed = await stream;
  expect(streamed).toContain('generation.completed');
  await api.request('GET', `/v1/generations/${finishedId}/transcript`);
  await api.request('GET', '/v1/generations/no-such-generation');

  const text = await metricsText();
  expect(sample(text, 'toolstream_generations_created_total{outcome="started"}')).toBe(1);
  expect(sample(text, 'toolstream_http_request_duration_seconds_count{method="POST",route="/v1/generations/",status="201"}')).toBe(1);
  expect(sample(text, 'toolstream_http_request_duration_seconds_count{method="GET",route="/v1/generations/:id/events",status="200"}')).toBeGreaterThan(0);
  expect(sample(text, 'toolstream_http_request_duration_seconds_count{method="GET",route="/v1/generations/:id/stream",status="200"}')).toBe(1);
  expect(sample(text, 'toolstream_http_request_duration_seconds_count{method="GET",route="/v1/generations/:id/transcript",status="200"}')).toBe(1);
  expect(sample(text, 'toolstream_http_request_duration_seconds_count{method="GET",route="/v1/generations/:id",status="404"}')).toBe(1);
  expect(sample(text, 'toolstream_sse_streams_open')).toBe(0);
  expect(sample(text, 'toolstream_reader_queries_total')).toBeGreaterThan(0);
  expect(sample(text, 'toolstream_reader_cached_generations')).toBeGreaterThanOrEqual(1);
  // The gauge counts from Temporal's visibility, which learns of the close a moment after the terminal event.
  await harness.env.client.workflow.getHandle(workflowIdFor(finishedId)).result();
  let active = sample(text, 'toolstream_generations_active');
  for (const deadline = Date.now() + 10_000; active !== 0 && Date.now() < deadline; await pause(200)) {
    active = sample(await metricsText(), 'toolstream_generations_active');
  }
  expect(active).toBe(0);
});

test('access logs are JSON lines carrying the generation and workflow ids; no token or API key in any line', async () => {
  const entries = logs.entries();
  const reads = entries.filter((entry) => entry.route === '/v1/generations/:id/events' && entry.generationId === finishedId);
  expect(reads.length).toBeGreaterThan(0);
  expect(reads[0]).toMatchObject({ workflowId: `gen-${finishedId}`, level: 'debug', res: { statusCode: 200 }, req: { method: 'GET', url: `/v1/generations/${finishedId}/events` } });
  const created = entries.find((entry) => entry.route === '/v1/generations/' && (entry.req as { method: string }).method === 'POST');
  expect(created).toMatchObject({ level: 'info', generationId: finishedId, res: { statusCode: 201 } });
  const stream = entries.find((entry) => entry.route === '/v1/generations/:id/stream');
  expect((stream?.req as { url: string }).url).toBe(`/v1/generations/${finishedId}/stream`);
  // The token went in every Authorization header (not logged) and in the stream's query (dropped from
  // the URL); a path that quotes it is scrubbed by value.
  const quoting = await api.request('GET', `/v1/generations/${token}`);
  expect(quoting.status).toBe(404);
  const all = logs.lines.join('\n');
  expect(all).toContain('/v1/generations/[redacted]');
  expect(all).not.toContain(token);
  expect(all).not.toContain(anthropicKey);
});

test('without the token every route but /healthz and /openapi.json answers 401, /metrics included', async () => {
  for (const route of ['/metrics', `/v1/generations/${finishedId}`, `/v1/generations/${finishedId}/events`, '/v1/generations']) {
    expect({ route, status: (await fetch(harness.toolstream.url + route)).status }).toEqual({ route, status: 401 });
  }
  expect((await fetch(`${harness.toolstream.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${harness.toolstream.url}/openapi.json`)).status).toBe(200);
});

test('CORS for the configured origin: preflight answered without the token, headers on answers; other origins get none', async () => {
  const preflight = await fetch(`${harness.toolstream.url}/v1/generations`, {
    method: 'OPTIONS',
    headers: { origin: 'https://ops.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, idempotency-key' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('https://ops.example');
  expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  const read = await fetch(`${harness.toolstream.url}/v1/generations/${finishedId}`, { headers: { origin: 'https://ops.example', authorization: `Bearer ${token}` } });
  expect(read.headers.get('access-control-allow-origin')).toBe('https://ops.example');
  // Event pages are written without Express's send: the CORS header set before still goes out.
  const page = await fetch(`${harness.toolstream.url}/v1/generations/${finishedId}/events?after=0`, { headers: { origin: 'https://ops.example', authorization: `Bearer ${token}` } });
  expect(page.headers.get('access-control-allow-origin')).toBe('https://ops.example');
  expect(page.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(((await page.json()) as { events: unknown[] }).events.length).toBeGreaterThan(0);
  const head = await fetch(`${harness.toolstream.url}/v1/generations/${finishedId}/events?after=0`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  expect(await head.text()).toBe('');
  const other = await fetch(`${harness.toolstream.url}/v1/generations/${finishedId}`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('a model with no known price: a warning at start, costUsd null (never $0) in events, state and list', async () => {
  const created = await api.request<{ id: string; warnings?: string[] }>('POST', '/v1/generations', { prompt: promptFor('tools'), model: 'claude-unpriced-1' });
  expect(created.status).toBe(201);
  expect(created.body.warnings?.[0]).toContain('No price is known for model claude-unpriced-1');
  const events = await api.pollToEnd(created.body.id);
  const iterations = events.filter((event) => event.type === 'iteration.completed');
  expect(iterations.length).toBe(2);
  expect(iterations.map((event) => (event as { costUsd: unknown }).costUsd)).toEqual([null, null]);
  const state = await api.state(created.body.id);
  expect(state.usage.outputTokens).toBeGreaterThan(0);
  expect(state.costUsd).toBeNull();
  // A priced model's start carries no warning.
  expect((await api.request<{ warnings?: string[] }>('GET', `/v1/generations/${finishedId}`)).body.warnings).toBeUndefined();
  // Visibility lags: wait for the row to show the finish, then its cost is null too.
  let row: { status: string; costUsd: unknown } | undefined;
  for (const until = Date.now() + 30_000; row?.status !== 'completed' && Date.now() < until; ) {
    const page = await api.request<{ generations: { id: string; status: string; costUsd: unknown }[] }>('GET', '/v1/generations?limit=20');
    row = page.body.generations.find((generation) => generation.id === created.body.id);
    if (row?.status !== 'completed') await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(row).toMatchObject({ status: 'completed', costUsd: null });
});

describe('Idempotency-Key and the active-generation limit', () => {
  let second: Awaited<ReturnType<typeof secondApi>>;
  let longId: string;
  beforeAll(async () => {
    second = await secondApi();
  });
  afterAll(async () => {
    await second?.close();
  });

  test('the same key and body return the same generation (also through another API instance); another body is 409', async () => {
    const body = { prompt: promptFor('long'), maxIterations: 3 };
    const key = `retry-${Date.now()}`;
    const first = await api.request<{ id: string; workflowId: string; status: string }>('POST', '/v1/generations', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    longId = first.body.id;
    const again = await api.request<{ id: string; status: string }>('POST', '/v1/generations', body, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(longId);
    // Key order and whitespace of the JSON do not matter; the other instance has nothing in memory.
    const elsewhere = await second.api.request<{ id: string; workflowId: string }>('POST', '/v1/generations', `{ "maxIterations": 3, "prompt": ${JSON.stringify(body.prompt)} }`, { 'idempotency-key': key });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ id: longId, workflowId: `gen-${longId}` });
    const conflict = await second.api.request<{ error: { code: string } }>('POST', '/v1/generations', { ...body, maxIterations: 4 }, { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_key_reused');
    const bad = await api.request<{ error: { code: string } }>('POST', '/v1/generations', body, { 'idempotency-key': 'has space' });
    expect(bad.status).toBe(400);
    // One workflow, one run: nothing was started twice.
    const runs = await harness.env.client.workflow.count(`WorkflowId = 'gen-${longId}'`);
    expect(runs.count).toBe(1);
  });

  test('with TOOLSTREAM_MAX_ACTIVE_GENERATIONS=1 and one running, POST answers 429 with Retry-After', async () => {
    // Visibility lags the start by a moment: wait until it counts the running one.
    const deadline = Date.now() + 30_000;
    while ((await harness.toolstream.generations.countActive()) < 1) {
      if (Date.now() > deadline) throw new Error('visibility never counted the running generation');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refused = await api.request<{ error: { code: string; details: unknown } }>('POST', '/v1/generations', { prompt: promptFor('tools') });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'too_many_active_generations', details: { active: 1, limit: 1 } });
    const res = await fetch(`${api.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: promptFor('tools') }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    // A retry of the running one's key is still answered: it starts nothing.
    const text = await metricsText();
    expect(sample(text, 'toolstream_generations_created_total{outcome="limited"}')).toBe(2);
    expect(sample(text, 'toolstream_generations_active')).toBe(1);

    const cancelled = await api.request('POST', `/v1/generations/${longId}/cancel`, {});
    expect(cancelled.status).toBe(202);
    await api.pollToEnd(longId);
  });
});
