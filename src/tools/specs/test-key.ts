import { z } from 'zod';

/** Keys end up in workspace file names (`.fail-<key>`), so they are restricted to a safe alphabet. */
export const testKeyField = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"')
  .describe('Counter key, 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-"');
