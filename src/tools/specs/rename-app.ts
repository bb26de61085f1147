import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { normalizeWorkspacePath } from '../workspace/workspace-path';

/** The file rename_app changes: its calls share a resource with write_file, edit_file and read_file of it. */
export const appFile = 'app.json';

export const renameAppInput = z.object({
  name: z
    .string()
    .min(1)
    .max(80)
    .refine((name) => name.trim() !== '', 'must not be blank')
    .refine((name) => !/[\r\n\t]/.test(name), 'must be a single line')
    .describe('The new display name of the app, 1 to 80 characters'),
});
export type RenameAppInput = z.infer<typeof renameAppInput>;

export const renameAppSpec: ToolSpec<RenameAppInput> = {
  name: 'rename_app',
  description: "Set the app's display name (stored in app.json in the workspace).",
  inputSchema: renameAppInput,
  resourceKey: () => `file:${normalizeWorkspacePath(appFile)}`,
  summary: (input) => `rename_app ${input.name}`,
};
