import { defineTool } from '../tool-definition';
import { countSpec } from '../specs/count';
import { incrementWorkspaceCounter } from './workspace-counter';

export const countTool = defineTool(countSpec, async (input, ctx) => String(await incrementWorkspaceCounter(ctx, `.count-${input.key}`)));
