import { ActivityFailure, ApplicationFailure, CancelledFailure, sleep } from '@temporalio/workflow';
import type Anthropic from '@anthropic-ai/sdk';
import { displayInput } from '../shared/display-input';
import type { ToolRetryPolicy } from '../shared/generation';
import type { DetectedToolCall } from '../shared/model-turn';
import { runTool, toolActivityOptions } from './activity-proxies';
import { nowIso, type Recorder } from './recorder';

export type ToolResultBlock = Anthropic.Messages.ToolResultBlockParam;

/**
 * Starts each tool call the moment it is handed over, while the model may still be streaming.
 * Calls sharing a resource key run one after another in the order the model wrote them; all
 * others run in parallel. A call is started at most once, however often it is handed over.
 */
export class ToolScheduler {
  private readonly results = new Map<string, Promise<ToolResultBlock>>();
  private readonly resourceTails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly generationId: string,
    private readonly recorder: Recorder,
    private readonly retry: ToolRetryPolicy,
  ) {}

  dispatch(call: DetectedToolCall, iteration: number): void {
    if (this.results.has(call.id)) return;
    this.recorder.emit(
      { type: 'tool.detected', toolUseId: call.id, name: call.name, input: displayInput(call.input), iteration, summary: call.summary },
      call.detectedAt,
    );
    if (call.rejection !== null) {
      this.recorder.emit({ type: 'tool.failed', toolUseId: call.id, attempt: 0, error: call.rejection, willRetry: false });
      this.results.set(call.id, Promise.resolve(errorResult(call.id, call.rejection)));
      return;
    }
    const predecessor = call.resourceKey === null ? undefined : this.resourceTails.get(call.resourceKey);
    const result = (predecessor ?? Promise.resolve()).then(() => this.runWithRetries(call));
    this.results.set(call.id, result);
    if (call.resourceKey !== null) this.resourceTails.set(call.resourceKey, result);
  }

  /** The tool_result blocks for these calls, in the order given (the model's tool_use order). */
  async resultsFor(calls: readonly DetectedToolCall[]): Promise<ToolResultBlock[]> {
    return Promise.all(
      calls.map((call) => this.results.get(call.id) ?? Promise.resolve(errorResult(call.id, 'Tool call was never dispatched.'))),
    );
  }

  private async runWithRetries(call: DetectedToolCall): Promise<ToolResultBlock> {
    for (let attempt = 1; ; attempt++) {
      this.recorder.emit({ type: 'tool.started', toolUseId: call.id, attempt });
      try {
        const run = await runTool.executeWithOptions({ ...toolActivityOptions, summary: call.summary }, [
          { generationId: this.generationId, toolUseId: call.id, name: call.name, input: call.input, attempt },
        ]);
        this.recorder.emit(
          { type: 'tool.completed', toolUseId: call.id, attempt, resultPreview: run.resultPreview, durationMs: run.durationMs },
          run.completedAt,
        );
        return { type: 'tool_result', tool_use_id: call.id, content: run.output };
      } catch (err) {
        if (err instanceof CancelledFailure) throw err;
        const error = describeFailure(err);
        const willRetry = isRetryable(err) && attempt < this.retry.maximumAttempts;
        this.recorder.emit({ type: 'tool.failed', toolUseId: call.id, attempt, error, willRetry }, nowIso());
        if (!willRetry) return errorResult(call.id, `${call.name} failed after ${attempt} attempt(s): ${error}`);
        await sleep(backoffMs(this.retry, attempt));
      }
    }
  }
}

function errorResult(toolUseId: string, message: string): ToolResultBlock {
  return { type: 'tool_result', tool_use_id: toolUseId, content: message, is_error: true };
}

function isRetryable(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return !(cause instanceof ApplicationFailure && cause.nonRetryable);
}

function describeFailure(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function backoffMs(policy: ToolRetryPolicy, attempt: number): number {
  return Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1), policy.maximumIntervalMs);
}
