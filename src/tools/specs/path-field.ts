import { z } from 'zod';

/**
 * A workspace-relative path as the model sends it. Sandbox rules (no `..`, no absolute paths...)
 * are enforced when the tool runs, so a refusal is a clear tool error rather than a schema error.
 */
export const pathField = z.string().describe('Path relative to the workspace root, e.g. src/App.tsx');
