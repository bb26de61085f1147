import { readFile, stat } from 'node:fs/promises';
import { ToolExecutionError } from '../tool-errors';
import { isErrnoException } from './errno';
import { explainFsFailure } from './fs-failure';
import type { WorkspacePath } from './resolve-in-workspace';

/**
 * Reads a workspace file as UTF-8, or returns undefined when it does not exist. Refuses
 * directories, special files (a FIFO would block forever) and files over the size limit.
 */
export async function readTextFileIfExists(target: WorkspacePath, maxFileBytes: number): Promise<string | undefined> {
  const { absolutePath, relativePath } = target;
  try {
    const stats = await stat(absolutePath);
    if (stats.isDirectory()) throw refused(`${relativePath} is a directory, not a file; use list_files to see what it contains`);
    if (!stats.isFile()) throw refused(`${relativePath} is not a regular file`);
    if (stats.size > maxFileBytes) throw tooLarge(relativePath, stats.size, maxFileBytes);
    const bytes = await readFile(absolutePath);
    // The file may have grown since stat.
    if (bytes.length > maxFileBytes) throw tooLarge(relativePath, bytes.length, maxFileBytes);
    return bytes.toString('utf8');
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
    return explainFsFailure(error, relativePath);
  }
}

/** Like readTextFileIfExists, but a missing file is a (non-retryable) error. */
export async function readTextFile(target: WorkspacePath, maxFileBytes: number): Promise<string> {
  const content = await readTextFileIfExists(target, maxFileBytes);
  if (content === undefined) throw refused(`File not found: ${target.relativePath}`);
  return content;
}

function tooLarge(relativePath: string, size: number, maxFileBytes: number): ToolExecutionError {
  return refused(`File too large: ${relativePath} is ${size} bytes, the limit is ${maxFileBytes} bytes`);
}

function refused(message: string): ToolExecutionError {
  return new ToolExecutionError(message, { retryable: false });
}
