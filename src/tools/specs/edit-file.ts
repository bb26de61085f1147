import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { normalizeWorkspacePath } from '../workspace/workspace-path';
import { pathField } from './path-field';

export const editFileInput = z.object({
  path: pathField,
  old_text: z.string().min(1).describe('Exact text to replace, including whitespace; it must occur exactly once in the file'),
  new_text: z.string().describe('Text to put in its place'),
});
export type EditFileInput = z.infer<typeof editFileInput>;

export const editFileSpec: ToolSpec<EditFileInput> = {
  name: 'edit_file',
  description:
    'Replace exactly one occurrence of old_text with new_text in an existing workspace file. ' +
    'Fails if old_text does not occur or occurs more than once; then add surrounding lines to old_text to make it unique.',
  inputSchema: editFileInput,
  resourceKey: (input) => `file:${normalizeWorkspacePath(input.path)}`,
  summary: (input) => `edit_file ${normalizeWorkspacePath(input.path)}`,
};
