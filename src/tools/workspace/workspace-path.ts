import { ToolExecutionError } from '../tool-errors';

// Pure string handling only (no Node built-ins): resource keys are computed in workflow code.

/**
 * Lexically normalizes a workspace-relative path the way POSIX would (`./a//b/../c` → `a/c`),
 * keeping leading `..` segments and a leading `/` so escapes stay visible. The root is `.`.
 */
export function normalizeWorkspacePath(rawPath: string): string {
  const absolute = rawPath.startsWith('/');
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
    else if (!absolute) segments.push('..');
    // `..` above `/` stays at `/`, as in POSIX.
  }
  const joined = segments.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

export interface WorkspacePathRules {
  /** list_files may name the workspace root itself (`.` or empty); file tools may not. */
  allowRoot?: boolean;
}

/**
 * Refuses paths that can never be inside the workspace, before touching the disk.
 * Returns the normalized relative path.
 */
export function checkWorkspacePath(rawPath: string, rules: WorkspacePathRules = {}): string {
  if (rawPath.includes('\0')) throw refused(`Path contains a NUL byte: ${JSON.stringify(rawPath)}`);
  if (rawPath.startsWith('/')) {
    throw refused(`Absolute paths are not allowed: ${rawPath}. Use a path relative to the workspace root, e.g. src/App.tsx`);
  }
  if (rawPath === '' && !rules.allowRoot) throw refused('Path must not be empty; give a file path relative to the workspace root');
  const normalized = normalizeWorkspacePath(rawPath);
  if (normalized === '..' || normalized.startsWith('../')) {
    throw refused(`Path escapes the workspace: ${rawPath}. Paths must stay inside the workspace root`);
  }
  if (normalized === '.' && !rules.allowRoot) throw refused(`Path refers to the workspace root, not a file: ${rawPath}`);
  return normalized;
}

function refused(message: string): ToolExecutionError {
  return new ToolExecutionError(message, { retryable: false });
}
