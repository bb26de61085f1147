import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import type { Scenario } from '../../src/fake-anthropic';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

/** One short text turn: a generation the fuzzer manages to create, tagged or not, is over at once. */
const shortTurn: Scenario = [{ steps: [{ type: 'text', text: 'Hi.' }] }];
const scenarios: Record<string, Scenario> = { short: shortTurn };

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface RawResponse {
  status: number;
  contentType: string | undefined;
  text: string;
}

/** node:http rather than fetch: fetch would normalize `..`, re-encode the path and refuse odd headers. */
function send(baseUrl: string, request: FuzzRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method: request.method, path: request.path, headers: request.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may answer (413, 431) and close before it has read all of a large request.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(request.body);
  });
}

function percentEncodedBytes(bytes: Uint8Array): string {
  return [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');
}

/** A path segment: plausible ids, unicode, traversal, stray and invalid percent-encoding, very long. */
function segmentArb(realId: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(realId) },
    { weight: 4, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map(percentEncodedBytes) },
    { weight: 2, arbitrary: fc.webSegment() },
    {
      weight: 3,
      arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '%2F', '%00', '%', '%zz', '%E0%A4%A', '~', "'", '""', '%20', '+', 'toolu_01A', 'null', '-1', '0'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 17_000 }).map((length) => 'a'.repeat(length)) },
  );
}

function pathArb(realId: string): fc.Arbitrary<string> {
  const segment = segmentArb(realId);
  const templates: fc.Arbitrary<string>[] = [
    fc.constant('/v1/generations'),
    fc.constant('/v1/generations/'),
    fc.constant('/healthz'),
    segment.map((id) => `/v1/generations/${id}`),
    fc
      .tuple(segment, fc.constantFrom('events', 'cancel', 'resume', 'messages', 'events/', 'nope'))
      .map(([id, action]) => `/v1/generations/${id}/${action}`),
    fc
      .tuple(segment, segment, fc.constantFrom('retry', 'skip', 'other'))
      .map(([id, toolUseId, action]) => `/v1/generations/${id}/tools/${toolUseId}/${action}`),
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
    fc.array(segment, { minLength: 0, maxLength: 4 }).map((segments) => `/v1//generations/${segments.join('//')}`),
  ];
  return fc.oneof(...templates);
}

const queryValueArb = fc.oneof(
  fc.integer({ min: -5, max: 2000 }).map(String),
  fc.constantFrom('', '-1', '0', '1e400', '1e3', '99999999999999999999', '9007199254740993', 'NaN', 'Infinity', '1.5', '0x10', '%201', '+1', 'abc', '%', '%zz', '[]', '{}'),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
);

/** after/limit with junk, repeated keys (arrays), bracket keys, unknown keys. */
const queryArb = fc.option(
  fc
    .array(fc.tuple(fc.constantFrom('after', 'limit', 'after[]', 'limit[x]', 'after[0]', 'x', '__proto__', 'constructor'), queryValueArb), { maxLength: 5 })
    .map((pairs) => `?${pairs.map(([key, value]) => `${encodeURIComponent(key)}=${value}`).join('&')}`),
  { nil: '' },
);

interface BodySpec {
  headers: Record<string, string>;
  body?: Buffer;
}

const json = (value: unknown, contentType = 'application/json'): BodySpec => ({
  headers: { 'content-type': contentType },
  body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'),
});

const bodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<BodySpec>({ headers: {} }) },
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => json(value)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          prompt: fc.oneof(fc.string(), fc.constant(''), fc.integer(), fc.constant(null)),
          model: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
          maxIterations: fc.oneof(fc.integer({ min: -3, max: 2000 }), fc.double(), fc.string()),
          system: fc.oneof(fc.string(), fc.array(fc.string())),
          text: fc.oneof(fc.string(), fc.integer()),
          reason: fc.oneof(fc.string({ maxLength: 1200 }), fc.constant(null)),
          extra: fc.jsonValue({ maxDepth: 2 }),
        },
        { requiredKeys: [] },
      )
      .map((value) => json(value)),
  },
  // Valid: creates a generation, which the short scenario ends at once. Kept rare.
  {
    weight: 1,
    arbitrary: fc
      .record({ text: fc.string({ maxLength: 40 }), maxIterations: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) })
      .map(({ text, maxIterations }) => json({ prompt: promptFor('short', `x${text}`), ...(maxIterations === undefined ? {} : { maxIterations }) })),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 60 }).map((text) => json(text)) },
  { weight: 1, arbitrary: fc.constantFrom('{"prompt": ', '{', '[', 'null', '"str"', '1', 'true', '{"prompt":"a",}', '\uFEFF{}').map((text) => json(text)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/merge-patch+json',
          'application/octet-stream',
          'json',
          '',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([contentType, value]) => json(value, contentType)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown').map((encoding) => ({
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body: Buffer.from('{"prompt":"not really compressed"}'),
    })),
  },
  // Over the 1 MB limit; a few cases only, they are slow to generate and send.
  { weight: 1, arbitrary: fc.constant(json({ prompt: 'x'.repeat(1_100_000) })) },
);

function requestArb(realId: string): fc.Arbitrary<FuzzRequest> {
  const anything = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: pathArb(realId),
    query: queryArb,
    body: bodyArb,
  });
  // Well-formed commands on the real generation, so they reach the workflow: continue it, cancel it, resume it...
  const command = fc.record({
    method: fc.constant('POST'),
    path: fc.constantFrom('messages', 'cancel', 'resume', 'tools/toolu_none/retry', 'tools/toolu_none/skip').map((action) => `/v1/generations/${realId}/${action}`),
    query: fc.constant(''),
    body: fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }).map((text) => json({ text: `x${text}` })),
      fc.constant(json({ reason: 'fuzz' })),
      fc.constant<BodySpec>({ headers: {} }),
    ),
  });
  return fc.oneof({ weight: 9, arbitrary: anything }, { weight: 1, arbitrary: command }).map(({ method, path, query, body }) => ({
    method,
    path: path + query,
    headers: { ...body.headers, ...(body.body ? { 'content-length': String(body.body.length) } : {}) },
    body: body.body,
  }));
}

const harness = useHarness({ scenarios, defaultScenario: shortTurn });
let realId: string;

beforeAll(async () => {
  realId = await harness.api.create(promptFor('short'));
  await harness.api.pollToEnd(realId);
});

test('whatever a client sends, the API answers below 500, errors as JSON with a code, and stays up', async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestArb(realId), async (request) => {
      const res = await send(harness.toolstream.url, request);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.contentType).toMatch(/^application\/json/);
        const body = JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } };
        expect(typeof body.error?.code).toBe('string');
        expect(typeof body.error?.message).toBe('string');
      }
    }),
    { numRuns: 1000 },
  );

  const health = await send(harness.toolstream.url, { method: 'GET', path: '/healthz', headers: {} });
  expect(health.status).toBe(200);
  // The fuzzer reached past validation: reads, not-found ids, validation errors, and commands the workflow judged.
  expect(statuses.get(200)).toBeGreaterThan(0);
  expect(statuses.get(404)).toBeGreaterThan(0);
  expect(statuses.get(400)).toBeGreaterThan(0);
  expect((statuses.get(202) ?? 0) + (statuses.get(409) ?? 0)).toBeGreaterThan(0);
}, 120_000);

describe('requests Node cannot parse still get JSON errors', () => {
  test('a request line over 16 KB is a 431', async () => {
    const res = await send(harness.toolstream.url, { method: 'GET', path: `/v1/generations/${'a'.repeat(17_000)}`, headers: {} });
    expect(res.status).toBe(431);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  test('bytes that are not HTTP are a 400', async () => {
    const { hostname, port } = new URL(harness.toolstream.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(JSON.parse(body)).toEqual({ error: { code: 'malformed_request', message: expect.any(String) } });
  });
});
