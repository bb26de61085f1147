import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobNotFoundError } from '../../src/storage/blob-store';
import { FsBlobStore } from '../../src/storage/fs-blob-store';

let parent: string;
let root: string;
let store: FsBlobStore;

beforeEach(async () => {
  // The store's root sits inside a directory of its own, so a key escaping the root would show up.
  parent = await fs.mkdtemp(path.join(os.tmpdir(), 'toolstream-fs-blob-'));
  root = path.join(parent, 'store');
  store = new FsBlobStore(root);
});

afterEach(async () => {
  await fs.rm(parent, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => []);
  const files = [];
  for (const entry of entries) if ((await fs.stat(path.join(dir, entry))).isFile()) files.push(entry);
  return files.sort();
}

describe('FsBlobStore', () => {
  it('reads back every byte value it wrote, as one file per key under its root', async () => {
    expect(store.kind).toBe('fs');
    const data = new Uint8Array(256).map((_, i) => i);
    await store.put('conversations/c1/messages', data);
    const read = await store.get('conversations/c1/messages');
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(read).equals(Buffer.from(data))).toBe(true);
    expect(await filesUnder(parent)).toEqual([path.join('store', 'conversations', 'c1', 'messages')]);
  });

  it('reads back an empty value and a 5 MB one', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    await store.put('empty', new Uint8Array(0));
    await store.put('big', big);
    expect((await store.get('empty')).byteLength).toBe(0);
    expect(Buffer.from(await store.get('big')).equals(big)).toBe(true);
  });

  it('rejects a key nothing was written under with BlobNotFoundError, also before the root exists', async () => {
    await expect(store.get('missing')).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.put('present/one', Buffer.from('x'));
    const read = store.get('present/two');
    await expect(read).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(read).rejects.toMatchObject({ key: 'present/two' });
  });

  it('accepts the same value written again under the same key', async () => {
    const data = Buffer.from('written once, maybe twice after a retry');
    await store.put('again', data);
    await store.put('again', data);
    expect(Buffer.from(await store.get('again')).equals(data)).toBe(true);
  });

  it.each(['', '/etc/passwd', '..', '../escape', 'a/../../escape', 'a/./b', '.', 'a//b', 'trailing/', 'back\\slash', 'nul\0byte', 'space here'])(
    'rejects the invalid key %j and writes nothing anywhere',
    async (key) => {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(/Invalid blob key/);
      await expect(store.get(key)).rejects.toThrow(/Invalid blob key/);
      expect(await filesUnder(parent)).toEqual([]);
    },
  );

  it('leaves no temporary files behind', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`many/${i % 5}`, randomBytes(4096))));
    const files = await filesUnder(root);
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(files).toEqual(['0', '1', '2', '3', '4'].map((name) => path.join('many', name)));
  });

  it('leaves one whole value when concurrent writers put the same key, and readers never see part of one', async () => {
    const values = Array.from({ length: 16 }, () => randomBytes(512 * 1024));
    await store.put('contested', values[0]);
    let writing = true;
    const seen: Buffer[] = [];
    const reader = (async () => {
      while (writing) seen.push(Buffer.from(await store.get('contested')));
    })();
    await Promise.all(values.map((data) => store.put('contested', data)));
    writing = false;
    await reader;

    const final = Buffer.from(await store.get('contested'));
    expect(values.some((data) => data.equals(final))).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    for (const read of seen) expect(values.some((data) => data.equals(read))).toBe(true);
    expect((await filesUnder(root)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });
});
