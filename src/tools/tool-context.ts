/**
 * What a tool may use while it runs; supplied by the activity that executes it.
 *
 * **Contract for tools with side effects.** A tool runs at least once, not exactly once: a worker
 * that dies, or a Temporal outage longer than the tool's heartbeat timeout, after the effect but
 * before Temporal recorded the completion, makes the tool run again with the same
 * `idempotencyKey` and a higher `attempt`. A tool that changes anything must make that second run
 * return the first run's result and change nothing. The workspace writers do it through the
 * effect journal (`workspace/effect-journal.ts`: `writeFileOnce`); a tool with other effects
 * (an HTTP call, a message sent) passes `idempotencyKey` on to the other side or keeps its own
 * record of what it applied, keyed by it. Read-only tools can ignore both fields.
 */
export interface ToolContext {
  /** Absolute path of this generation's workspace. It may not exist yet: writers create it. */
  workspaceDir: string;
  /** Aborted when the activity is cancelled; long tools must stop promptly. */
  signal: AbortSignal;
  /** Long-running tools call this periodically so the activity is not considered dead. */
  heartbeat(): void;
  /** Content larger than this (in UTF-8 bytes) is refused, both for reading and writing. */
  maxFileBytes: number;
  /**
   * `<generationId>/<toolUseId>`: the same for every run of one tool call (retries, re-runs after
   * a crash), different for every other call. Key the record of an applied effect by it.
   */
  idempotencyKey: string;
  /** 1 for the first run of this call, counting up with every run (a retry, a re-run after a crash). */
  attempt: number;
}
