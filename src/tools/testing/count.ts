import { defineTool } from '../tool-definition';
import { countSpec } from '../specs/count';
import { writeFileOnce } from '../workspace/effect-journal';
import { resolveInWorkspace } from '../workspace/resolve-in-workspace';
import { readWorkspaceCounter } from './workspace-counter';

/**
 * Keeps the tool contract every side-effecting tool keeps (src/tools/tool-context.ts): its effect lands
 * once per tool call, even when a worker killed right after the write makes Temporal run it again. So a
 * counter above 1 in the crash tests is a call the workflow dispatched twice, not a retried attempt.
 */
export const countTool = defineTool(countSpec, async (input, ctx) => {
  const target = await resolveInWorkspace(ctx.workspaceDir, `.count-${input.key}`, { forWriting: true });
  return writeFileOnce(ctx, target, async () => {
    const next = String((await readWorkspaceCounter(ctx, target)) + 1);
    return { content: next, result: next };
  });
});
