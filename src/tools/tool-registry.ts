import { builtinTools } from './builtin/builtin-tools';
import { catalogOf, type ToolCatalog } from './tool-catalog';
import type { ToolContext } from './tool-context';
import type { ToolDefinition } from './tool-definition';
import { ToolInputError } from './tool-errors';
import { testTools } from './testing/test-tools';

export interface ToolRegistry extends ToolCatalog {
  /**
   * Validates again (the input may come from history or another process) and runs the tool.
   * Throws ToolInputError for an unknown tool or invalid input; the tool's own errors pass through.
   */
  execute(name: string, input: unknown, ctx: ToolContext): Promise<string>;
}

export function createToolRegistry(options: { testTools: boolean }): ToolRegistry {
  const definitions = options.testTools ? [...builtinTools, ...testTools] : builtinTools;
  const catalog = catalogOf(definitions);
  const byName = new Map<string, ToolDefinition>(definitions.map((definition) => [definition.name, definition]));

  return {
    ...catalog,
    async execute(name, input, ctx) {
      const validation = catalog.validate(name, input);
      if (!validation.ok) throw new ToolInputError(validation.error);
      // validate() succeeded, so the definition exists.
      return byName.get(name)!.execute(validation.input, ctx);
    },
  };
}
