import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes via a temp file in the same directory plus rename, so readers and crashes only ever see
 * the old or the new content, never half a file. Creates missing parent directories.
 */
export async function writeFileAtomic(absolutePath: string, content: string): Promise<void> {
  const dir = path.dirname(absolutePath);
  await mkdir(dir, { recursive: true });
  // Dot-prefixed so a leftover from a crash stays hidden from list_files.
  const tempPath = path.join(dir, `.toolstream-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tempPath, 'wx');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, absolutePath);
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
