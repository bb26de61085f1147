import { lstat } from 'node:fs/promises';
import { ToolExecutionError } from '../tool-errors';
import { assertContentFits } from './content-size';
import { isErrnoException } from './errno';
import { explainFsFailure } from './fs-failure';
import type { WorkspacePath } from './resolve-in-workspace';
import { writeFileAtomic } from './write-file-atomic';

/**
 * Atomically writes a workspace file resolved with `forWriting`, creating parent directories and
 * the workspace itself on demand. Returns the number of bytes written.
 */
export async function writeTextFile(target: WorkspacePath, content: string, maxFileBytes: number): Promise<number> {
  const bytes = assertContentFits(content, maxFileBytes, target.relativePath);
  if (await isDirectory(target.absolutePath)) {
    throw new ToolExecutionError(`${target.relativePath} is a directory; give a file path`, { retryable: false });
  }
  try {
    await writeFileAtomic(target.absolutePath, content);
  } catch (error) {
    explainFsFailure(error, target.relativePath);
  }
  return bytes;
}

async function isDirectory(absolutePath: string): Promise<boolean> {
  try {
    return (await lstat(absolutePath)).isDirectory();
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return false;
    throw error;
  }
}
