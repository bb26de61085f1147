/** What a tool may use while it runs; supplied by the activity that executes it. */
export interface ToolContext {
  /** Absolute path of this generation's workspace. It may not exist yet: writers create it. */
  workspaceDir: string;
  /** Aborted when the activity is cancelled; long tools must stop promptly. */
  signal: AbortSignal;
  /** Long-running tools call this periodically so the activity is not considered dead. */
  heartbeat(): void;
  /** Content larger than this (in UTF-8 bytes) is refused, both for reading and writing. */
  maxFileBytes: number;
}
