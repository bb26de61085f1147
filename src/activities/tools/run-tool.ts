import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ToolRunInput, ToolRunResult } from '../../shared/model-turn';
import { previewResult, ToolExecutionError, ToolInputError, type ToolRegistry } from '../../tools';

export interface ToolActivityDeps {
  tools: ToolRegistry;
  workspaceRoot: string;
  maxFileBytes: number;
  heartbeatIntervalMs: number;
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
      });
      const completed = Date.now();
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

function toToolFailure(err: unknown): unknown {
  if (err instanceof ToolInputError) {
    return ApplicationFailure.create({ type: ToolErrorType.input, message: err.message, nonRetryable: true });
  }
  if (err instanceof ToolExecutionError) {
    return ApplicationFailure.create({ type: ToolErrorType.execution, message: err.message, nonRetryable: !err.retryable });
  }
  return err;
}
