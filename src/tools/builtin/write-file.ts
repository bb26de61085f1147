import { defineTool } from '../tool-definition';
import { writeFileSpec } from '../specs/write-file';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';
import { writeTextFile } from '../workspace/write-text-file';

export const writeFileTool = defineTool(writeFileSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, input.path, { forWriting: true });
  const bytes = await writeTextFile(target, input.content, ctx.maxFileBytes);
  return `Wrote ${bytes} bytes to ${target.relativePath}`;
});
