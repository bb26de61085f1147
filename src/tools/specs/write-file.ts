import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { normalizeWorkspacePath } from '../workspace/workspace-path';
import { pathField } from './path-field';

export const writeFileInput = z.object({
  path: pathField,
  content: z.string().describe('The complete new content of the file'),
});
export type WriteFileInput = z.infer<typeof writeFileInput>;

export const writeFileSpec: ToolSpec<WriteFileInput> = {
  name: 'write_file',
  description:
    'Create or overwrite a file in the workspace with the given content. Missing parent directories are created. ' +
    'Prefer edit_file for small changes to an existing file.',
  inputSchema: writeFileInput,
  resourceKey: (input) => `file:${normalizeWorkspacePath(input.path)}`,
  summary: (input) => `write_file ${normalizeWorkspacePath(input.path)}`,
};
