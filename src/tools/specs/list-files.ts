import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { normalizeWorkspacePath } from '../workspace/workspace-path';

export const LIST_FILES_MAX_ENTRIES = 500;

export const listFilesInput = z.object({
  path: z.string().optional().describe('Directory to list, relative to the workspace root; defaults to the root'),
});
export type ListFilesInput = z.infer<typeof listFilesInput>;

export const listFilesSpec: ToolSpec<ListFilesInput> = {
  name: 'list_files',
  description:
    'List files and directories under a workspace directory, recursively. One path per line, relative to the workspace root, ' +
    `sorted; directories end with "/". Hidden (dot) files are skipped. At most ${LIST_FILES_MAX_ENTRIES} entries are shown.`,
  inputSchema: listFilesInput,
  resourceKey: (input) => `dir:${normalizeWorkspacePath(input.path ?? '')}`,
  summary: (input) => {
    const dir = normalizeWorkspacePath(input.path ?? '');
    return dir === '.' ? 'list_files' : `list_files ${dir}`;
  },
};
