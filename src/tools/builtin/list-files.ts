import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ToolExecutionError } from '../tool-errors';
import { defineTool } from '../tool-definition';
import { LIST_FILES_MAX_ENTRIES, listFilesSpec } from '../specs/list-files';
import { isErrnoException } from '../workspace/errno';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';

export const listFilesTool = defineTool(listFilesSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, input.path ?? '', { allowRoot: true });
  const isRoot = target.relativePath === '.';

  const kind = await entryKind(target.absolutePath);
  if (kind === 'missing') {
    // The workspace is created lazily, so a missing root just means nothing was written yet.
    if (isRoot) return 'The workspace is empty.';
    throw new ToolExecutionError(`Directory not found: ${target.relativePath}`);
  }
  if (kind === 'file') throw new ToolExecutionError(`Not a directory: ${target.relativePath}; use read_file to read it`);

  const prefix = isRoot ? '' : `${target.relativePath}/`;
  const entries: string[] = [];
  // One extra entry tells us whether the listing was cut.
  await collectEntries(target.absolutePath, prefix, entries, LIST_FILES_MAX_ENTRIES + 1);
  if (entries.length === 0) return isRoot ? 'The workspace is empty.' : `${target.relativePath}/ is empty.`;
  if (entries.length <= LIST_FILES_MAX_ENTRIES) return entries.join('\n');
  return [
    ...entries.slice(0, LIST_FILES_MAX_ENTRIES),
    `… listing truncated at ${LIST_FILES_MAX_ENTRIES} entries; list a subdirectory to see more.`,
  ].join('\n');
});

async function entryKind(absolutePath: string): Promise<'missing' | 'file' | 'directory'> {
  try {
    return (await stat(absolutePath)).isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return 'missing';
    throw error;
  }
}

/**
 * Depth-first walk appending `prefix`-relative paths until `limit` entries are collected. Siblings are visited in order of their listed form (`name/` for
 * directories), which makes the walk order equal to plain sorting of the full paths, so the walk
 * can stop early. Symlinks are listed but never followed: they may lead outside the workspace.
 */
async function collectEntries(dir: string, prefix: string, entries: string[], limit: number): Promise<void> {
  const children = (await readdir(dir, { withFileTypes: true }))
    .filter((child) => !child.name.startsWith('.'))
    .map((child) => ({ child, listed: listedName(child) }))
    .sort((a, b) => compareCodeUnits(a.listed, b.listed));

  for (const { child, listed } of children) {
    if (entries.length >= limit) return;
    entries.push(prefix + listed);
    if (child.isDirectory()) await collectEntries(path.join(dir, child.name), prefix + listed, entries, limit);
  }
}

function listedName(entry: Dirent): string {
  return entry.isDirectory() ? `${entry.name}/` : entry.name;
}

// Locale-independent, so listings are identical on every worker.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
