import { ToolExecutionError } from '../tool-errors';
import { isErrnoException } from './errno';

/**
 * Turns filesystem errors that will recur on every retry into non-retryable ToolExecutionErrors
 * the model can act on. Anything else (EIO, EMFILE, ...) is rethrown untouched: callers treat
 * unknown errors as transient.
 */
export function explainFsFailure(error: unknown, relativePath: string): never {
  if (isErrnoException(error)) {
    const message = deterministicMessage(error.code, relativePath);
    if (message !== undefined) throw new ToolExecutionError(message, { retryable: false });
  }
  throw error;
}

function deterministicMessage(code: string | undefined, relativePath: string): string | undefined {
  switch (code) {
    case 'ENOENT':
      return `File not found: ${relativePath}`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `Cannot use ${relativePath}: a parent path component is a file, not a directory`;
    case 'EISDIR':
      return `${relativePath} is a directory, not a file`;
    case 'ENAMETOOLONG':
      return `Path is too long: ${relativePath}`;
    case 'ELOOP':
      return `Path goes through a symlink loop: ${relativePath}`;
    default:
      return undefined;
  }
}
