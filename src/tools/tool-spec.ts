import type { z } from 'zod';

/**
 * Everything about a tool except running it. Kept free of Node built-ins so workflow code can
 * validate calls, compute resource keys and summaries inside the Temporal sandbox.
 */
export interface ToolSpec<I = unknown> {
  name: string;
  /** Shown to the model; say when to use the tool and what it returns. */
  description: string;
  /** The single source of truth: validates input and produces the JSON schema sent to the model. */
  inputSchema: z.ZodType<I>;
  /**
   * Calls with the same key run in model order; different keys run in parallel.
   * `null` means the call touches no shared resource and may always run in parallel.
   */
  resourceKey(input: I): string | null;
  /** One line for the Temporal Web UI: tool name plus its main argument. */
  summary(input: I): string;
}
