import type { ToolDefinition } from '../tool-definition';
import { countTool } from './count';
import { failTool } from './fail';
import { sleepTool } from './sleep';

// Same tools, same order as testToolSpecs (a test keeps the two lists in step).
export const testTools: readonly ToolDefinition[] = [sleepTool, failTool, countTool];
