import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ToolSpec } from './tool-spec';

/** The tool definition sent to the model, with the JSON schema derived from the zod schema. */
export function toAnthropicTool(spec: ToolSpec): Anthropic.Messages.Tool {
  // 'input': the schema describes what the model sends, before defaults are applied.
  const schema: Record<string, unknown> = { ...z.toJSONSchema(spec.inputSchema, { io: 'input' }) };
  // The API takes a bare schema object; the dialect marker is noise there.
  delete schema.$schema;
  if (schema.type !== 'object') throw new Error(`Tool ${spec.name} must take an object as input, got JSON schema type ${String(schema.type)}`);
  return { name: spec.name, description: spec.description, input_schema: { ...schema, type: 'object' } };
}
