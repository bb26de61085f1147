import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { testKeyField } from './test-key';

export const failInput = z.object({
  key: testKeyField,
  times: z.number().int().min(0).max(1000).describe('How many calls with this key fail before calls start succeeding'),
});
export type FailInput = z.infer<typeof failInput>;

export const failSpec: ToolSpec<FailInput> = {
  name: 'fail',
  description: 'Test tool: the first `times` calls for `key` fail with a retryable error, later calls succeed.',
  inputSchema: failInput,
  resourceKey: (input) => `test:fail:${input.key}`,
  summary: (input) => `fail ${input.key} times=${input.times}`,
};
