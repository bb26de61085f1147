/** The call itself is wrong (unknown tool, input not matching the schema): retrying cannot help. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/**
 * A tool's own failure. Deterministic problems (file not found, text not found, path outside the
 * workspace, too large) are not retryable; transient ones are. Any other error type a tool throws
 * is treated as transient by callers.
 */
export class ToolExecutionError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options?: { retryable?: boolean }) {
    super(message);
    this.name = 'ToolExecutionError';
    this.retryable = options?.retryable ?? false;
  }
}
