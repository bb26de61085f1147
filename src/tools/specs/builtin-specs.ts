import type { ToolSpec } from '../tool-spec';
import { editFileSpec } from './edit-file';
import { listFilesSpec } from './list-files';
import { readFileSpec } from './read-file';
import { renameAppSpec } from './rename-app';
import { writeFileSpec } from './write-file';

// Order is the order the model sees the tools in.
export const builtinToolSpecs: readonly ToolSpec[] = [readFileSpec, writeFileSpec, editFileSpec, listFilesSpec, renameAppSpec];
