import type { ToolContext } from '../tool-context';
import { readTextFileIfExists } from '../workspace/read-text-file';
import { resolveInWorkspace, type WorkspacePath } from '../workspace/resolve-in-workspace';
import { writeTextFile } from '../workspace/write-text-file';

/** A counter kept in a workspace file: it survives worker restarts and is scoped to one generation's workspace. */
export async function readWorkspaceCounter(ctx: ToolContext, target: WorkspacePath): Promise<number> {
  const previous = Number.parseInt((await readTextFileIfExists(target, ctx.maxFileBytes)) ?? '0', 10);
  return Number.isSafeInteger(previous) ? previous : 0;
}

/** Increments the counter in `fileName` on every run, retried attempts included, and returns the new value. */
export async function incrementWorkspaceCounter(ctx: ToolContext, fileName: string): Promise<number> {
  const target = await resolveInWorkspace(ctx.workspaceDir, fileName, { forWriting: true });
  const next = (await readWorkspaceCounter(ctx, target)) + 1;
  await writeTextFile(target, String(next), ctx.maxFileBytes);
  return next;
}
