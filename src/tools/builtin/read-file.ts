import { defineTool } from '../tool-definition';
import { readFileSpec } from '../specs/read-file';
import { readTextFile } from '../workspace/read-text-file';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';

export const readFileTool = defineTool(readFileSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, input.path);
  return readTextFile(target, ctx.maxFileBytes);
});
