import { defineTool } from '../tool-definition';
import { writeFileSpec } from '../specs/write-file';
import { writeFileOnce } from '../workspace/effect-journal';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';

export const writeFileTool = defineTool(writeFileSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, input.path, { forWriting: true });
  return writeFileOnce(ctx, target, async () => ({
    content: input.content,
    result: `Wrote ${Buffer.byteLength(input.content, 'utf8')} bytes to ${target.relativePath}`,
  }));
});
