import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Scenario } from '../../src/fake-anthropic';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const token = 'tok-openapi-' + 'z'.repeat(20);
const scenarios: Record<string, Scenario> = {
  tools: [
    { steps: [{ type: 'text', text: 'Writing.' }, { type: 'tool_use', id: 'toolu_oa_write', name: 'write_file', input: { path: 'a.txt', content: 'a' } }] },
    { steps: [{ type: 'text', text: 'Done.' }] },
    { steps: [{ type: 'text', text: 'Followed up.' }] },
  ],
  long: [{ steps: [{ type: 'tool_use', id: 'toolu_oa_sleep', name: 'sleep', input: { ms: 120_000 } }] }, { steps: [{ type: 'text', text: 'Done.' }] }],
};

const harness = useHarness({ scenarios, env: { TOOLSTREAM_API_TOKEN: token, TOOLSTREAM_MAX_ACTIVE_GENERATIONS: '1' } });
let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
const docId = 'https://toolstream.invalid/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

/** Which path, method and status each checked response had: every route of the document must show up. */
const checked = new Set<string>();

beforeAll(async () => {
  const res = await fetch(`${harness.toolstream.url}/openapi.json`);
  expect(res.status).toBe(200);
  document = (await res.json()) as typeof document;
  ajv.addSchema({ ...document, $id: docId });
});

const pointer = (...parts: string[]): string => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Sends a request and checks the real response against the document: the status must be listed for
 * the path and method, the content type must be one it names, and a JSON body must match its schema.
 */
async function call(method: string, path: string, route: string, init: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {}): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(harness.toolstream.url + route, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const operation = document.paths[path]?.[method.toLowerCase()];
  expect({ path, method, documented: operation !== undefined }).toEqual({ path, method, documented: true });
  const status = String(res.status);
  expect({ route, method, status, listed: status in operation.responses }).toEqual({ route, method, status, listed: true });
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0];
  const content = operation.responses[status].content ?? {};
  expect({ route, contentType, listed: contentType in content }).toEqual({ route, contentType, listed: true });
  let body: unknown;
  if (contentType === 'application/json') {
    body = await res.json();
    const validate = ajv.compile({ $ref: `${docId}#/${pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema')}` });
    const valid = validate(body);
    expect({ route, method, status, errors: valid ? null : validate.errors }).toEqual({ route, method, status, errors: null });
  } else {
    body = await res.text();
  }
  checked.add(`${method.toUpperCase()} ${path}`);
  return { status: res.status, body };
}

test('every route answers as the OpenAPI document says', async () => {
  const created = await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: promptFor('tools') }, headers: { 'idempotency-key': 'oa-1' } });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  await harness.api.pollToEnd(id);
  expect((await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: promptFor('tools') }, headers: { 'idempotency-key': 'oa-1' } })).status).toBe(200);
  expect((await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: 'other' }, headers: { 'idempotency-key': 'oa-1' } })).status).toBe(409);
  expect((await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: '' } })).status).toBe(400);
  expect((await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: 'x' }, auth: false })).status).toBe(401);

  expect((await call('GET', '/v1/generations/{id}', `/v1/generations/${id}`)).status).toBe(200);
  expect((await call('GET', '/v1/generations/{id}', '/v1/generations/unknown-id')).status).toBe(404);
  expect((await call('GET', '/v1/generations/{id}', '/v1/generations/bad%20id')).status).toBe(400);
  expect((await call('GET', '/v1/generations/{id}/events', `/v1/generations/${id}/events?after=0`)).status).toBe(200);
  expect((await call('GET', '/v1/generations/{id}/events', `/v1/generations/${id}/events?after=2&limit=1`)).status).toBe(200);
  expect((await call('GET', '/v1/generations/{id}/events', `/v1/generations/${id}/events?after=-1`)).status).toBe(400);
  expect((await call('GET', '/v1/generations/{id}/stream', `/v1/generations/${id}/stream`)).status).toBe(200);
  expect((await call('GET', '/v1/generations/{id}/transcript', `/v1/generations/${id}/transcript`)).status).toBe(200);
  expect((await call('POST', '/v1/generations/{id}/resume', `/v1/generations/${id}/resume`)).status).toBe(409);
  expect((await call('POST', '/v1/generations/{id}/tools/{toolUseId}/retry', `/v1/generations/${id}/tools/toolu_oa_write/retry`)).status).toBe(409);
  expect((await call('POST', '/v1/generations/{id}/tools/{toolUseId}/skip', `/v1/generations/${id}/tools/toolu_oa_write/skip`)).status).toBe(409);
  for (const command of ['approve', 'deny', 'cancel']) {
    const route = `/v1/generations/{id}/tools/{toolUseId}/${command}`;
    expect((await call('POST', route, `/v1/generations/${id}/tools/toolu_oa_write/${command}`)).status).toBe(409);
  }
  expect((await call('POST', '/v1/generations/{id}/tools/{toolUseId}/deny', `/v1/generations/${id}/tools/toolu_oa_write/deny`, { body: { reason: '' } })).status).toBe(400);
  expect((await call('POST', '/v1/generations/{id}/messages', `/v1/generations/${id}/messages`, { body: { text: '' } })).status).toBe(400);
  expect((await call('POST', '/v1/generations/{id}/messages', `/v1/generations/${id}/messages`, { body: { text: 'One more thing' } })).status).toBe(202);
  await harness.api.waitForState(id, (state) => state.status === 'completed' && state.iteration >= 3);

  // One running generation is the limit: the next is refused until it ends. Visibility lags the finish of the first.
  for (const until = Date.now() + 30_000; (await harness.toolstream.generations.countActive()) > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 100));
  const long = await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: promptFor('long') } });
  expect(long.status).toBe(201);
  const longId = (long.body as { id: string }).id;
  const deadline = Date.now() + 30_000;
  while ((await harness.toolstream.generations.countActive()) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await call('POST', '/v1/generations', '/v1/generations', { body: { prompt: promptFor('tools') } })).status).toBe(429);
  expect((await call('POST', '/v1/generations/{id}/cancel', `/v1/generations/${longId}/cancel`, { body: { reason: 'done testing' } })).status).toBe(202);
  await harness.api.pollToEnd(longId);
  expect((await call('POST', '/v1/generations/{id}/cancel', '/v1/generations/unknown-id/cancel')).status).toBe(404);

  // Visibility lags a moment behind: wait until the list shows both.
  let listed = 0;
  for (const until = Date.now() + 30_000; listed < 2 && Date.now() < until; ) {
    const page = await call('GET', '/v1/generations', '/v1/generations?limit=10');
    listed = (page.body as { generations: unknown[] }).generations.length;
    if (listed < 2) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(listed).toBe(2);
  expect((await call('GET', '/v1/generations', '/v1/generations?status=bogus')).status).toBe(400);

  expect((await call('GET', '/healthz', '/healthz', { auth: false })).status).toBe(200);
  expect((await call('GET', '/metrics', '/metrics')).status).toBe(200);
  expect((await call('GET', '/metrics', '/metrics', { auth: false })).status).toBe(401);
  expect((await call('GET', '/openapi.json', '/openapi.json', { auth: false })).status).toBe(200);
  expect((await call('GET', '/', '/', { auth: false })).status).toBe(200);
  expect((await call('GET', '/generations/{id}', `/generations/${id}`, { auth: false })).status).toBe(200);
  expect((await call('GET', '/assets/app.css', '/assets/app.css', { auth: false })).status).toBe(200);
  expect((await call('GET', '/assets/app.js', '/assets/app.js', { auth: false })).status).toBe(200);

  // Every route the document describes was exercised above, and nothing else exists.
  const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
  expect([...checked].sort()).toEqual(documented.sort());
});

test('the document is OpenAPI 3.1 and its schemas compile', () => {
  expect((document as unknown as { openapi: string }).openapi).toBe('3.1.0');
  expect(() => ajv.compile({ $ref: `${docId}#/components/schemas/GenerationStateResponse` })).not.toThrow();
});
