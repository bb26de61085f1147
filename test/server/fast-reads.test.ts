import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Scenario } from '../../src/fake-anthropic';
import { createApp, type AppDeps } from '../../src/server/create-app';
import { fastReads } from '../../src/server/fast-reads';
import { GenerationCommands } from '../../src/server/generation-commands';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

const TOKEN = 'fast-reads-test-token';
const scenarios: Record<string, Scenario> = { short: [{ steps: [{ type: 'text', text: 'Hello from a short turn.' }] }] };

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/**
 * The same request to two servers on the same GenerationService: one through the fast read path
 * (falling back to Express), one through Express alone. Every answer must be the same.
 */
let env: TestWorkflowEnvironment;
let harness: Harness;
let id: string;
let fastUrl: string;
let expressUrl: string;
let passedToExpress: string[];
const servers: http.Server[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function get(baseUrl: string, path: string, authorization?: string): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers = authorization === undefined ? {} : { authorization };
    http
      .get({ host: hostname, port, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: {
              'content-type': res.headers['content-type'],
              'www-authenticate': res.headers['www-authenticate'] as string | undefined,
              'retry-after': res.headers['retry-after'] as string | undefined,
            },
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
          }),
        );
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  env = await createTemporalEnv();
  harness = await startHarness(env, await bundleWorkflows(), { scenarios, env: { TOOLSTREAM_API_TOKEN: TOKEN } });
  id = await harness.api.create(promptFor('short'));
  await harness.api.pollToEnd(id);

  const deps: AppDeps = {
    generations: harness.toolstream.generations,
    commands: new GenerationCommands({ connection: env.connection, namespace: 'default', taskQueue: harness.config.temporal.taskQueue, storage: harness.storage, onNewRun: () => undefined }),
    health: async () => ({ ok: true, details: {} }),
    apiToken: TOKEN,
    log: () => undefined,
  };
  const app = createApp(deps);
  passedToExpress = [];
  fastUrl = await listen(
    fastReads({ generations: deps.generations, apiToken: TOKEN, log: () => undefined }, (req, res) => {
      passedToExpress.push(req.url ?? '');
      app(req, res);
    }),
  );
  expressUrl = await listen(createApp(deps));
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await harness?.close();
  await env?.teardown();
});

const bearer = `Bearer ${TOKEN}`;

describe('answers exactly as Express does', () => {
  const paths = (generationId: string): string[] => [
    `/v1/generations/${generationId}`,
    `/v1/generations/${generationId}/events`,
    `/v1/generations/${generationId}/events?after=2&limit=3`,
    `/v1/generations/${generationId}/events?after=0&limit=1000`,
    `/v1/generations/${generationId}/events?after=`,
    `/v1/generations/${generationId}/events?after=-1`,
    `/v1/generations/${generationId}/events?limit=abc`,
    `/v1/generations/${generationId}/events?limit=1001`,
    `/v1/generations/${generationId}/events?after=1&after=2`,
    `/v1/generations/${generationId}/events?after=1#fragment`,
    `/v1/generations/${generationId}/`,
    `/v1/generations/${generationId}/events/`,
    `/V1/generations/${generationId}/events`,
    '/v1/generations/unknown-generation',
    '/v1/generations/unknown-generation/events?after=0',
    '/v1/generations/bad!id/events',
    `/v1/generations/${'a'.repeat(65)}`,
    '/v1/generations/%61bc',
    '/v1/generations/events',
  ];

  test.each([
    ['with the token', bearer],
    ['without a token', undefined],
    ['with a wrong token', 'Bearer not-the-token'],
    ['with another scheme', `Basic ${TOKEN}`],
  ])('%s', async (_name, authorization) => {
    for (const path of paths(id)) {
      const [fast, viaExpress] = await Promise.all([get(fastUrl, path, authorization), get(expressUrl, path, authorization)]);
      expect({ path, ...fast }).toEqual({ path, ...viaExpress });
    }
  });
});

test('the plain spellings of the two reads never reach Express; everything else does', async () => {
  passedToExpress.length = 0;
  const fastPaths = [`/v1/generations/${id}`, `/v1/generations/${id}/events?after=1`, '/v1/generations/unknown-generation', `/v1/generations/${id}/events?limit=abc`];
  for (const path of fastPaths) await get(fastUrl, path, bearer);
  expect(passedToExpress).toEqual([]);

  const state = await get(fastUrl, `/v1/generations/${id}`, bearer);
  expect(state.status).toBe(200);
  expect(state.body).toMatchObject({ status: 'completed', text: 'Hello from a short turn.' });
  const unknown = await get(fastUrl, '/v1/generations/unknown-generation', bearer);
  expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });

  const slowPaths = [`/v1/generations/${id}/`, `/v1/generations/%61bc`, '/healthz'];
  for (const path of slowPaths) await get(fastUrl, path, bearer);
  await get(fastUrl, `/v1/generations/${id}`);
  expect(passedToExpress).toEqual([...slowPaths, `/v1/generations/${id}`]);
});
