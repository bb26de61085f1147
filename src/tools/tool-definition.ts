import type { ToolContext } from './tool-context';
import type { ToolSpec } from './tool-spec';

export interface ToolDefinition<I = unknown> extends ToolSpec<I> {
  /** Resolves to the tool_result text for the model. */
  execute(input: I, ctx: ToolContext): Promise<string>;
}

/** Pairs a spec with its implementation while keeping the input type checked on both sides. */
export function defineTool<I>(spec: ToolSpec<I>, execute: (input: I, ctx: ToolContext) => Promise<string>): ToolDefinition<I> {
  return { ...spec, execute };
}
