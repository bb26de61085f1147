import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolContext } from '../../../src/tools';

/** A real temp directory that holds the workspace plus room for "outside" paths next to it. */
export interface TempWorkspace {
  /** Parent directory, outside the workspace: escapes would land here. */
  sandboxRoot: string;
  workspaceDir: string;
  outsideDir: string;
  controller: AbortController;
  heartbeats: () => number;
  /** A context for a new tool call: each read has its own idempotency key. */
  ctx: ToolContext;
  /** A context for a run of the call with this key (a re-run of an earlier one when the key repeats). */
  ctxFor(toolUseId: string, attempt?: number): ToolContext;
  readWorkspaceFile(relativePath: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createTempWorkspace(options: { maxFileBytes?: number } = {}): Promise<TempWorkspace> {
  const sandboxRoot = await mkdtemp(path.join(os.tmpdir(), 'toolstream-tools-'));
  const workspaceDir = path.join(sandboxRoot, 'workspace');
  const outsideDir = path.join(sandboxRoot, 'outside');
  const controller = new AbortController();
  let heartbeatCount = 0;
  let calls = 0;
  const ctxFor = (toolUseId: string, attempt = 1): ToolContext => ({
    workspaceDir,
    signal: controller.signal,
    heartbeat: () => {
      heartbeatCount++;
    },
    maxFileBytes: options.maxFileBytes ?? 1024 * 1024,
    idempotencyKey: `gen-test/${toolUseId}`,
    attempt,
  });
  return {
    sandboxRoot,
    workspaceDir,
    outsideDir,
    controller,
    heartbeats: () => heartbeatCount,
    get ctx() {
      return ctxFor(`toolu_${++calls}`);
    },
    ctxFor,
    readWorkspaceFile: (relativePath) => readFile(path.join(workspaceDir, relativePath), 'utf8'),
    cleanup: () => rm(sandboxRoot, { recursive: true, force: true }),
  };
}

/** Every file and directory below `dir` (relative, sorted), to prove nothing was written there. */
export async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}

/** listTree without the effect journal the writers keep in the workspace. */
export async function listWorkspaceFiles(dir: string): Promise<string[]> {
  return (await listTree(dir)).filter((entry) => entry !== '.toolstream' && !entry.startsWith('.toolstream/'));
}
