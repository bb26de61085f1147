import { z } from 'zod';
import type { ToolSpec } from '../tool-spec';
import { normalizeWorkspacePath } from '../workspace/workspace-path';
import { pathField } from './path-field';

export const readFileInput = z.object({ path: pathField });
export type ReadFileInput = z.infer<typeof readFileInput>;

export const readFileSpec: ToolSpec<ReadFileInput> = {
  name: 'read_file',
  description: 'Read a UTF-8 text file from the workspace and return its full content.',
  inputSchema: readFileInput,
  resourceKey: (input) => `file:${normalizeWorkspacePath(input.path)}`,
  summary: (input) => `read_file ${normalizeWorkspacePath(input.path)}`,
};
