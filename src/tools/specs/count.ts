import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { testKeyField } from './test-key';

export const countInput = z.object({ key: testKeyField });
export type CountInput = z.infer<typeof countInput>;

export const countSpec: ToolSpec<CountInput> = {
  name: 'count',
  description: 'Test tool: increment the counter for `key` once per tool call and return its new value.',
  inputSchema: countInput,
  resourceKey: (input) => `test:count:${input.key}`,
  summary: (input) => `count ${input.key}`,
};
