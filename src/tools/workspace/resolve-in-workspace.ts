import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { ToolExecutionError } from '../tool-errors';
import { checkWorkspacePath, type WorkspacePathRules } from './workspace-path';
import { isErrnoException } from './errno';

export interface WorkspacePath {
  /** Normalized, relative to the workspace root (`.` for the root): use it in messages. */
  relativePath: string;
  absolutePath: string;
}

export interface ResolveOptions extends WorkspacePathRules {
  /** Writers also refuse a target that is itself a symlink, wherever it points. */
  forWriting?: boolean;
}

/**
 * Maps a model-supplied path to an absolute path that is guaranteed to stay inside the
 * workspace, following symlinks on the way. Throws a non-retryable ToolExecutionError otherwise.
 */
export async function resolveInWorkspace(workspaceDir: string, rawPath: string, options: ResolveOptions = {}): Promise<WorkspacePath> {
  const relativePath = checkWorkspacePath(rawPath, options);
  const root = path.resolve(workspaceDir);
  const absolutePath = relativePath === '.' ? root : path.join(root, relativePath);
  const fromRoot = path.relative(root, absolutePath);
  if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) throw refused(`Path escapes the workspace: ${rawPath}`);

  try {
    await refuseEscapingSymlinks(root, relativePath, rawPath);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ELOOP') throw refused(`Path goes through a symlink loop: ${rawPath}`);
    throw error;
  }
  if (options.forWriting && (await isSymlink(absolutePath))) {
    throw refused(`Refusing to write through a symlink: ${relativePath}`);
  }
  return { relativePath, absolutePath };
}

/**
 * Walks from the root towards the target and checks every existing symlink on the way resolves
 * inside the workspace. Stops at the first missing component: whatever gets created below it
 * will be a real directory or file made by us.
 */
async function refuseEscapingSymlinks(root: string, relativePath: string, rawPath: string): Promise<void> {
  const realRoot = await realpathIfExists(root);
  if (realRoot === undefined || relativePath === '.') return;

  let current = root;
  for (const segment of relativePath.split('/')) {
    current = path.join(current, segment);
    const stats = await lstatIfExists(current);
    if (stats === undefined) return;
    if (!stats.isSymbolicLink()) continue;
    const target = await realpathIfExists(current);
    if (target === undefined) throw refused(`Path goes through a symlink whose target does not exist: ${rawPath}`);
    if (!isInside(realRoot, target)) throw refused(`Path goes through a symlink pointing outside the workspace: ${rawPath}`);
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function isSymlink(absolutePath: string): Promise<boolean> {
  return (await lstatIfExists(absolutePath))?.isSymbolicLink() ?? false;
}

async function lstatIfExists(absolutePath: string) {
  try {
    return await lstat(absolutePath);
  } catch (error) {
    // ENOTDIR: a file sits where a directory is expected; the operation itself will report it.
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
    throw error;
  }
}

async function realpathIfExists(absolutePath: string): Promise<string | undefined> {
  try {
    return await realpath(absolutePath);
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
    throw error;
  }
}

function refused(message: string): ToolExecutionError {
  return new ToolExecutionError(message, { retryable: false });
}
