// Activity-side entry point. Workflow code must import './tool-catalog' instead: this file pulls
// in the tool implementations, which use Node built-ins the workflow sandbox forbids.
export type { ToolContext } from './tool-context';
export type { ToolSpec } from './tool-spec';
export type { ToolDefinition } from './tool-definition';
export { ToolInputError, ToolExecutionError } from './tool-errors';
export { previewResult } from './preview-result';
export { createToolCatalog, type ToolCatalog, type ToolValidation } from './tool-catalog';
export { createToolRegistry, type ToolRegistry } from './tool-registry';
export { resolveInWorkspace, type WorkspacePath } from './workspace/resolve-in-workspace';
export { normalizeWorkspacePath } from './workspace/workspace-path';
