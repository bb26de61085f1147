import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertValidKey, BlobNotFoundError, type BlobStore } from './blob-store';

/** The embedded default: one file per key under a directory (`data/store`), written by rename. */
export class FsBlobStore implements BlobStore {
  readonly kind = 'fs';

  constructor(private readonly root: string) {}

  async put(key: string, data: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Rename is atomic on one filesystem: a concurrent reader never sees half a value.
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(this.fileOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    }
  }

  private fileOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
