import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Scenario } from '../../src/fake-anthropic';
import { errorHandler } from '../../src/server/error-handler';
import { requireBearerToken } from '../../src/server/require-bearer-token';
import { ApiClient } from '../support/api-client';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const token = 'tok_3f9c2a7e-b1d4-4c8e-9a6f-5e2d7c1b0a93';
type ErrorResponse = { error: { code: string; message: string } };

const refusals: [string, Record<string, string>, string][] = [
  ['no Authorization header', {}, 'Bearer realm="toolstream"'],
  ['an empty Authorization header', { authorization: '' }, 'Bearer realm="toolstream"'],
  ['the Basic scheme', { authorization: `Basic ${Buffer.from(`user:${token}`).toString('base64')}` }, 'Bearer realm="toolstream"'],
  ['the token without a scheme', { authorization: token }, 'Bearer realm="toolstream"'],
  ['another scheme carrying the token', { authorization: `Token ${token}` }, 'Bearer realm="toolstream"'],
  ['Bearer with nothing after it', { authorization: 'Bearer ' }, 'Bearer realm="toolstream"'],
  ['the token twice', { authorization: `Bearer ${token} ${token}` }, 'Bearer realm="toolstream"'],
  ['a wrong token of the same length', { authorization: `Bearer ${token.slice(0, -1)}4` }, 'error="invalid_token"'],
  ['a prefix of the token', { authorization: `Bearer ${token.slice(0, 10)}` }, 'error="invalid_token"'],
  ['the token with more after it', { authorization: `Bearer ${token}x` }, 'error="invalid_token"'],
  ['the token in another case', { authorization: `Bearer ${token.toUpperCase()}` }, 'error="invalid_token"'],
];

function expectUnauthorized(res: { status: number; body: unknown }, headers: Headers | undefined, challenge: string): void {
  expect(res.status).toBe(401);
  expect((res.body as ErrorResponse).error.code).toBe('unauthorized');
  expect((res.body as ErrorResponse).error.message).not.toContain(token);
  if (headers) {
    expect(headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(headers.get('www-authenticate')).toContain(challenge);
  }
}

describe('requireBearerToken on a bare app', () => {
  let baseUrl: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = express();
    app.use(requireBearerToken(token));
    app.get('/secret', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler(() => undefined));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  async function get(headers: Record<string, string>) {
    const res = await fetch(`${baseUrl}/secret`, { headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
  }

  test.each(refusals)('refuses %s with a 401 and a Bearer challenge', async (_name, headers, challenge) => {
    const res = await get(headers);
    expectUnauthorized(res, res.headers, challenge);
  });

  test.each([
    ['the exact token', `Bearer ${token}`],
    ['a lower-case scheme', `bearer ${token}`],
    ['spaces after the scheme', `Bearer   ${token}`],
  ])('lets %s through', async (_name, authorization) => {
    const res = await get({ authorization });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});

describe('TOOLSTREAM_API_TOKEN on the running product', () => {
  const scenarios: Record<string, Scenario> = { short: [{ steps: [{ type: 'text', text: 'Hello.' }] }] };
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_API_TOKEN: token } });
  let anonymous: ApiClient;

  beforeAll(() => {
    anonymous = new ApiClient(harness.toolstream.url);
  });

  test.each(refusals)('every /v1 route refuses %s', async (_name, headers, challenge) => {
    const routes: [string, string, unknown][] = [
      ['POST', '/v1/generations', { prompt: promptFor('short') }],
      ['GET', '/v1/generations/abc', undefined],
      ['GET', '/v1/generations/abc/events?after=0', undefined],
      ['POST', '/v1/generations/abc/cancel', {}],
      ['GET', '/v1/no-such-route', undefined],
    ];
    for (const [method, route, body] of routes) {
      const res = await fetch(harness.toolstream.url + route, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expectUnauthorized({ status: res.status, body: await res.json() }, res.headers, challenge);
    }
    expect(harness.fake.requests).toHaveLength(0);
  });

  test('the token is checked before the body is read: malformed or oversized bodies still get a 401', async () => {
    const malformed = await anonymous.request('POST', '/v1/generations', '{"prompt": ');
    expectUnauthorized(malformed, undefined, '');
    const big = await anonymous.request('POST', '/v1/generations', { prompt: 'x'.repeat(1_100_000) });
    expectUnauthorized(big, undefined, '');
  });

  test('/healthz stays open, with or without a token', async () => {
    const open = await anonymous.request<{ ok: boolean }>('GET', '/healthz');
    expect(open).toMatchObject({ status: 200, body: { ok: true } });
    const wrong = await anonymous.request<{ ok: boolean }>('GET', '/healthz', undefined, { authorization: 'Bearer wrong' });
    expect(wrong).toMatchObject({ status: 200, body: { ok: true } });
  });

  test('with the right token the whole API works', async () => {
    const id = await harness.api.create(promptFor('short'));
    const events = await harness.api.pollToEnd(id);
    expect(events.map((event) => event.type)).toContain('generation.completed');
    expect((await harness.api.state(id)).text).toBe('Hello.');
    const unknown = await harness.api.request<ErrorResponse>('GET', '/v1/generations/does-not-exist');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
