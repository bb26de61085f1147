import { defineTool } from '../tool-definition';
import { renameAppSpec } from '../specs/rename-app';
import { writeFileOnce } from '../workspace/effect-journal';
import { readTextFileIfExists } from '../workspace/read-text-file';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';

export const APP_FILE = 'app.json';

export const renameAppTool = defineTool(renameAppSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, APP_FILE, { forWriting: true });
  return writeFileOnce(ctx, target, async () => {
    const existing = parseObject(await readTextFileIfExists(target, ctx.maxFileBytes));
    return { content: `${JSON.stringify({ ...existing, name: input.name }, null, 2)}\n`, result: `Renamed app to ${input.name}` };
  });
});

/** Keeps other keys of a valid app.json; anything unparsable is replaced rather than blocking the rename. */
function parseObject(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
