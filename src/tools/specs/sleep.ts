import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';

export const sleepInput = z.object({
  ms: z.number().int().min(0).max(600_000).describe('How long to sleep, in milliseconds (0 to 600000)'),
});
export type SleepInput = z.infer<typeof sleepInput>;

export const sleepSpec: ToolSpec<SleepInput> = {
  name: 'sleep',
  description: 'Test tool: wait for the given number of milliseconds, then return.',
  inputSchema: sleepInput,
  // Sleeps share nothing, so they must never wait for each other.
  resourceKey: () => null,
  summary: (input) => `sleep ${input.ms}ms`,
};
