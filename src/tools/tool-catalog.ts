import type Anthropic from '@anthropic-ai/sdk';
import { toAnthropicTool } from './anthropic-tool';
import { inputErrorMessage } from './input-error-message';
import { previewResult } from './preview-result';
import type { ToolSpec } from './tool-spec';
import { builtinToolSpecs } from './specs/builtin-specs';
import { testToolSpecs } from './specs/test-tool-specs';

// This file and everything it imports must stay free of Node built-ins: workflow code imports it
// directly (not through index.ts) to validate calls and schedule them inside the Temporal sandbox.

const SUMMARY_MAX_CHARS = 120;

export type ToolValidation =
  | { ok: true; name: string; input: unknown; resourceKey: string | null; summary: string }
  | { ok: false; error: string };

/** The tools offered to the model, without the ability to run them. */
export interface ToolCatalog {
  names(): string[];
  anthropicTools(): Anthropic.Messages.Tool[];
  /** Checks a tool call from the model; on success `input` is the parsed input (defaults applied). */
  validate(name: string, input: unknown): ToolValidation;
}

export function createToolCatalog(options: { testTools: boolean }): ToolCatalog {
  return catalogOf(options.testTools ? [...builtinToolSpecs, ...testToolSpecs] : builtinToolSpecs);
}

export function catalogOf(specs: readonly ToolSpec[]): ToolCatalog {
  const byName = new Map<string, ToolSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw new Error(`Duplicate tool name: ${spec.name}`);
    byName.set(spec.name, spec);
  }
  const names = specs.map((spec) => spec.name);

  return {
    names: () => [...names],
    // Built fresh each time: callers may decorate the result (e.g. cache_control on the last tool).
    anthropicTools: () => specs.map(toAnthropicTool),
    validate(name, input) {
      const spec = byName.get(name);
      if (spec === undefined) return { ok: false, error: `Unknown tool ${JSON.stringify(name)}. Available tools: ${names.join(', ')}` };
      const parsed = spec.inputSchema.safeParse(input);
      if (!parsed.success) return { ok: false, error: inputErrorMessage(name, parsed.error.issues) };
      return {
        ok: true,
        name,
        input: parsed.data,
        resourceKey: spec.resourceKey(parsed.data),
        summary: previewResult(spec.summary(parsed.data), SUMMARY_MAX_CHARS),
      };
    },
  };
}
