import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ToolRunInput, ToolRunResult } from '../../shared/model-turn';
import { formatBytes } from '../../shared/limits';
import { previewResult, ToolExecutionError, ToolInputError, type ToolRegistry } from '../../tools';
import { idempotencyKeyFor } from '../../tools/idempotency-key';
import type { AfterEffectFault } from './fault-injection';

export interface ToolActivityDeps {
  tools: ToolRegistry;
  workspaceRoot: string;
  maxFileBytes: number;
  heartbeatIntervalMs: number;
  /** Set when the claim check is off: a result above it would never reach the workflow. */
  payloadLimitBytes: number | null;
  /** Tests only (crash suite): runs after a tool's effect, before its completion is reported. */
  afterEffectFault?: AfterEffectFault;
}

export const ToolErrorType = {
  input: 'ToolInputError',
  execution: 'ToolExecutionError',
} as const;

/**
 * One attempt of one tool. It heartbeats on its own, so a dead worker is noticed within the
 * heartbeat timeout however long the tool runs, and cancellation reaches the tool as an abort.
 */
export function createRunTool(deps: ToolActivityDeps) {
  return async function runTool(input: ToolRunInput): Promise<ToolRunResult> {
    const ctx = Context.current();
    const started = Date.now();
    const heartbeat = setInterval(() => ctx.heartbeat(), deps.heartbeatIntervalMs);
    try {
      const output = await deps.tools.execute(input.name, input.input, {
        workspaceDir: path.join(deps.workspaceRoot, input.generationId),
        signal: ctx.cancellationSignal,
        heartbeat: () => ctx.heartbeat(),
        maxFileBytes: deps.maxFileBytes,
        idempotencyKey: idempotencyKeyFor(input.generationId, input.toolUseId),
        attempt: input.attempt,
      });
      const completed = Date.now();
      assertFits(deps.payloadLimitBytes, output);
      if (deps.afterEffectFault) {
        // The tool is done: no more heartbeats, so a hold here is a completion Temporal never heard of.
        clearInterval(heartbeat);
        await deps.afterEffectFault(input);
      }
      return {
        output,
        resultPreview: previewResult(output),
        startedAt: new Date(started).toISOString(),
        completedAt: new Date(completed).toISOString(),
        durationMs: completed - started,
      };
    } catch (err) {
      throw toToolFailure(err);
    } finally {
      clearInterval(heartbeat);
    }
  };
}

function assertFits(limit: number | null, output: string): void {
  if (limit === null) return;
  const size = Buffer.byteLength(JSON.stringify(output));
  if (size <= limit) return;
  throw new ToolExecutionError(
    `The tool's result (${formatBytes(size)}) is above Temporal's payload size limit of ${formatBytes(limit)} (TOOLSTREAM_PAYLOAD_LIMIT) with the claim check off (TOOLSTREAM_CLAIM_CHECK=off)`,
    { retryable: false },
  );
}

function toToolFailure(err: unknown): unknown {
  if (err instanceof ToolInputError) {
    return ApplicationFailure.create({ type: ToolErrorType.input, message: err.message, nonRetryable: true });
  }
  if (err instanceof ToolExecutionError) {
    return ApplicationFailure.create({ type: ToolErrorType.execution, message: err.message, nonRetryable: !err.retryable });
  }
  return err;
}
