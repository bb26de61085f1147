import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { BlobNotFoundError } from '../../src/storage/blob-store';
import { S3BlobStore, type S3BlobStoreOptions } from '../../src/storage/s3-blob-store';
import { s3TestCredentials, s3TestRegion, startS3Server, type S3TestServer } from '../support/s3-server';

let server: S3TestServer;
const stores: S3BlobStore[] = [];

function storeWith(options: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  const store = new S3BlobStore({ bucket: server.bucket, endpoint: server.endpoint, region: s3TestRegion, credentials: s3TestCredentials, ...options });
  stores.push(store);
  return store;
}

async function keysIn(bucket: string, prefix?: string): Promise<string[]> {
  const client = new S3Client({ endpoint: server.endpoint, region: s3TestRegion, forcePathStyle: true, credentials: s3TestCredentials });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  for (const store of stores) store.destroy();
  await server?.close();
});

describe('S3BlobStore against an S3-compatible server (moto)', () => {
  it('reads back every byte value it wrote', async () => {
    const store = storeWith();
    expect(store.kind).toBe('s3');
    const data = new Uint8Array(256).map((_, i) => i);
    await store.put('round-trip/all-bytes', data);
    const read = await store.get('round-trip/all-bytes');
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(read).equals(Buffer.from(data))).toBe(true);
  });

  it('reads back an empty value', async () => {
    const store = storeWith();
    await store.put('round-trip/empty', new Uint8Array(0));
    expect((await store.get('round-trip/empty')).byteLength).toBe(0);
  });

  it('reads back 5 MB in one piece', async () => {
    const store = storeWith();
    const data = randomBytes(5 * 1024 * 1024);
    await store.put('round-trip/five-mb', data);
    const read = await store.get('round-trip/five-mb');
    expect(read.byteLength).toBe(data.byteLength);
    expect(Buffer.from(read).equals(data)).toBe(true);
  });

  it('rejects a key nothing was written under with BlobNotFoundError', async () => {
    const store = storeWith();
    const read = store.get('missing/never-written');
    await expect(read).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(read).rejects.toMatchObject({ key: 'missing/never-written' });
  });

  it('accepts the same value written again under the same key', async () => {
    const store = storeWith();
    const data = Buffer.from('written once, maybe twice after a retry');
    await store.put('overwrite/same', data);
    await store.put('overwrite/same', data);
    expect(Buffer.from(await store.get('overwrite/same')).equals(data)).toBe(true);
  });

  it('keeps concurrent puts of different keys apart', async () => {
    const store = storeWith();
    const values = Array.from({ length: 20 }, (_, i) => randomBytes(1024 + i));
    await Promise.all(values.map((data, i) => store.put(`concurrent/${i}`, data)));
    const read = await Promise.all(values.map((_, i) => store.get(`concurrent/${i}`)));
    read.forEach((data, i) => expect(Buffer.from(data).equals(values[i])).toBe(true));
  });

  it('leaves one whole value when concurrent puts write the same key', async () => {
    const store = storeWith();
    const values = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
    await Promise.all(values.map((data) => store.put('concurrent/same-key', data)));
    const read = Buffer.from(await store.get('concurrent/same-key'));
    expect(values.some((data) => data.equals(read))).toBe(true);
  });

  it.each(['', '/leading', 'trailing/', 'a//b', '../escape', 'a/../b', 'a/./b', '.', 'space here', 'back\\slash', 'ünïcode'])(
    'rejects the invalid key %j without touching the bucket',
    async (key) => {
      const store = storeWith({ prefix: 'invalid-keys/' });
      await expect(store.put(key, new Uint8Array([1]))).rejects.toThrow(/Invalid blob key/);
      await expect(store.get(key)).rejects.toThrow(/Invalid blob key/);
      expect(await keysIn(server.bucket, 'invalid-keys/')).toEqual([]);
    },
  );

  it('stores objects under its prefix, toolstream/ by default', async () => {
    await storeWith().put('prefix-check/default', Buffer.from('a'));
    await storeWith({ prefix: 'tenant-a/blobs/' }).put('prefix-check/custom', Buffer.from('b'));
    await storeWith({ prefix: '' }).put('prefix-check/none', Buffer.from('c'));

    const all = await keysIn(server.bucket);
    expect(all.filter((key) => key.includes('prefix-check/'))).toEqual([
      'prefix-check/none',
      'tenant-a/blobs/prefix-check/custom',
      'toolstream/prefix-check/default',
    ]);
  });

  it('does not see what another prefix stored', async () => {
    await storeWith({ prefix: 'one/' }).put('isolated/key', Buffer.from('one'));
    await expect(storeWith({ prefix: 'two/' }).get('isolated/key')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('refuses a prefix without a trailing slash', () => {
    expect(() => storeWith({ prefix: 'toolstream' })).toThrow(/must end with "\/"/);
  });

  it('ensureBucket creates a missing bucket and accepts an existing one', async () => {
    const store = storeWith({ bucket: `${server.bucket}-created` });
    await expect(store.get('anything')).rejects.not.toBeInstanceOf(BlobNotFoundError);
    await store.ensureBucket();
    await store.ensureBucket();
    await store.put('after/ensure', Buffer.from('x'));
    expect(Buffer.from(await store.get('after/ensure')).toString()).toBe('x');
    await storeWith().ensureBucket();
  });
});
