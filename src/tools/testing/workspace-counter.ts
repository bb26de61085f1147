import type { ToolContext } from '../tool-context';
import { readTextFileIfExists } from '../workspace/read-text-file';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';
import { writeTextFile } from '../workspace/write-text-file';

/**
 * Increments a counter kept in a workspace file and returns the new value. Living on disk, it
 * survives worker restarts and is scoped to one generation's workspace.
 */
export async function incrementWorkspaceCounter(ctx: ToolContext, fileName: string): Promise<number> {
  const target = await resolveInWorkspace(ctx.workspaceDir, fileName, { forWriting: true });
  const previous = Number.parseInt((await readTextFileIfExists(target, ctx.maxFileBytes)) ?? '0', 10);
  const next = (Number.isSafeInteger(previous) ? previous : 0) + 1;
  await writeTextFile(target, String(next), ctx.maxFileBytes);
  return next;
}
