import type { ToolDefinition } from '../tool-definition';
import { editFileTool } from './edit-file';
import { listFilesTool } from './list-files';
import { readFileTool } from './read-file';
import { renameAppTool } from './rename-app';
import { writeFileTool } from './write-file';

// Same tools, same order as builtinToolSpecs (a test keeps the two lists in step).
export const builtinTools: readonly ToolDefinition[] = [readFileTool, writeFileTool, editFileTool, listFilesTool, renameAppTool];
