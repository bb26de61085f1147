import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Scenario } from '../../src/fake-anthropic';
import { createGenerationService } from '../../src/runtime/api-server';
import { workflowIdFor } from '../../src/shared/generation';
import { S3BlobStore } from '../../src/storage/s3-blob-store';
import { createStorage, type Storage } from '../../src/storage/storage';
import { historyFigures } from '../support/history-payloads';
import { s3TestCredentials, s3TestRegion, startS3Server, type S3TestServer } from '../support/s3-server';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';
import { bigToolTurn, runWriteThenRead, writeThenReadTurns } from '../support/big-file-turns';
import { bulkText } from '../support/bulk-text';


const bigFile = bulkText(700 * 1024, 's3');
const threshold = 128 * 1024;
const prefix = 'toolstream/';

const scenarios: Record<string, Scenario> = {
  writeThenRead: writeThenReadTurns(bigFile, bigToolTurn),
};

/** The S3 client reads its credentials from the AWS default chain: the environment, here. */
const awsVariables = { AWS_ACCESS_KEY_ID: s3TestCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3TestCredentials.secretAccessKey, AWS_REGION: s3TestRegion };
const savedEnv: Record<string, string | undefined> = {};

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let s3: S3TestServer;
let harness: Harness;
const extraStorages: Storage[] = [];

beforeAll(async () => {
  for (const [name, value] of Object.entries(awsVariables)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  s3 = await startS3Server();
  env = await createTemporalEnv();
  bundle = await bundleWorkflows();
  harness = await startHarness(env, bundle, {
    scenarios,
    env: { TOOLSTREAM_STORE: 's3', TOOLSTREAM_S3_BUCKET: s3.bucket, TOOLSTREAM_S3_ENDPOINT: s3.endpoint },
  });
});

afterAll(async () => {
  await harness?.close();
  for (const storage of [harness?.storage, ...extraStorages]) if (storage?.blobs instanceof S3BlobStore) storage.blobs.destroy();
  await env?.teardown();
  await s3?.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function keysUnder(keyPrefix: string): Promise<Array<{ key: string; size: number }>> {
  const client = new S3Client({ endpoint: s3.endpoint, region: s3TestRegion, forcePathStyle: true, credentials: s3TestCredentials });
  try {
    const keys: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    do {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: keyPrefix, ContinuationToken: token }));
      for (const object of listed.Contents ?? []) keys.push({ key: object.Key ?? '', size: object.Size ?? 0 });
      token = listed.IsTruncated ? listed.NextContinuationToken : undefined;
    } while (token);
    return keys;
  } finally {
    client.destroy();
  }
}

test('with TOOLSTREAM_STORE=s3, a 700 KB file written and read three times completes; its data is in the bucket, and a fresh API instance on the same bucket serves it', async () => {
  expect(harness.config.store).toEqual(expect.objectContaining({ kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, prefix }));
  expect(harness.storage.blobs.kind).toBe('s3');

  const { id, state, last } = await runWriteThenRead(harness, 'writeThenRead', 90_000);
  expect(last).toHaveLength(9);
  const results = [last[4], last[6], last[8]].map((reply) => (reply.content as Array<{ type: string; content?: unknown }>).find((block) => block.type === 'tool_result')?.content);
  expect(results.every((content) => content === bigFile)).toBe(true);

  const figures = await historyFigures(env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(threshold);

  // The claim-checked payloads and the conversation are objects in the bucket, under the prefix.
  const payloads = await keysUnder(`${prefix}payloads/`);
  expect(payloads.length).toBeGreaterThan(0);
  expect(payloads.every(({ key }) => /^toolstream\/payloads\/[0-9a-f]{64}$/.test(key))).toBe(true);
  expect(Math.max(...payloads.map(({ size }) => size))).toBeGreaterThan(bigFile.length);
  const messages = await keysUnder(`${prefix}generations/${id}/messages/`);
  // Each message once: the prompt, four tool turns and their results, the final answer.
  expect(messages).toHaveLength(10);
  expect(messages.reduce((sum, { size }) => sum + size, 0)).toBeGreaterThan(4 * bigFile.length);
  expect(await keysUnder(`${prefix}generations/${id}/`)).not.toHaveLength(messages.length); // the archived event log too

  // A fresh API instance on the same bucket (new client, empty caches) serves the finished generation.
  const storage = await createStorage(harness.config);
  extraStorages.push(storage);
  const fresh = createGenerationService(harness.config, env.connection, storage);
  const { elapsedMs: _elapsed, ...served } = state;
  expect(await fresh.state(id)).toEqual(served);
  const page = await fresh.transcript(id, 0, 500);
  expect(page.total).toBe(10);
  expect(page.messages.slice(0, 9)).toEqual(last);
  expect(page.messages[9]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Read it three times.' }] });
  const events = await fresh.events(id, 0, 1000);
  expect(events.lastSeq).toBe(state.lastSeq);
  expect(events.events.at(-1)?.type).toBe('generation.completed');
}, 150_000);
