import { ToolExecutionError } from '../tool-errors';
import { defineTool } from '../tool-definition';
import { failSpec } from '../specs/fail';
import { incrementWorkspaceCounter } from './workspace-counter';

export const failTool = defineTool(failSpec, async (input, ctx) => {
  const call = await incrementWorkspaceCounter(ctx, `.fail-${input.key}`);
  if (call <= input.times) {
    throw new ToolExecutionError(`Deliberate failure ${call} of ${input.times} for key "${input.key}"`, { retryable: true });
  }
  return `Succeeded after ${input.times} ${input.times === 1 ? 'failure' : 'failures'}`;
});
