import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { WorkflowStream } from '@temporalio/workflow-streams/workflow';
import type { ContentBlockParam, MessageParam } from '../../../src/shared/model-turn';
import type { WorkflowStreamsActivities } from './activities';
import {
  Topic,
  type StreamComplete,
  type ToolCallRequest,
  type ToolEvent,
  type WorkflowStreamsGenerationInput,
  type WorkflowStreamsGenerationResult,
} from './shared';

// The model call as the sample's llmStreaming runs it (Temporal owns retries), with a heartbeat
// timeout like ours so the comparison is of event delivery, not of failure detection.
const { streamTurn } = proxyActivities<WorkflowStreamsActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

// The same tool code as toolstream's; Temporal retries it (toolstream's workflow runs the attempts itself).
const { runTool } = proxyActivities<WorkflowStreamsActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * Baseline (c): the agent loop built the way `@temporalio/workflow-streams` intends (its LLM sample,
 * extended with tools). The workflow hosts the stream; the model activity publishes text deltas
 * through a batching WorkflowStreamClient; the workflow publishes tool progress on its own side;
 * subscribers long-poll with updates. Tools run when the model's stream has ended, as in the sample's
 * activity-returns-the-turn shape.
 */
export async function workflowStreamsGeneration(input: WorkflowStreamsGenerationInput): Promise<WorkflowStreamsGenerationResult> {
  // First statement, as the sample says: the publish handler must exist before the activity publishes.
  const stream = new WorkflowStream(input.carry?.streamState);
  const tools = stream.topic<ToolEvent>(Topic.tool);
  const complete = stream.topic<StreamComplete>(Topic.complete);
  const messages: MessageParam[] = input.carry?.messages ?? [{ role: 'user', content: input.prompt }];
  let outputTokens = input.carry?.outputTokens ?? 0;
  let iteration = input.carry?.nextIteration ?? 1;

  for (; iteration <= input.maxIterations; iteration++) {
    if (workflowInfo().continueAsNewSuggested) {
      const nextIteration = iteration;
      await stream.continueAsNew<typeof workflowStreamsGeneration>((streamState) => [
        { ...input, carry: { streamState, messages, nextIteration, outputTokens } },
      ]);
    }
    const turn = await streamTurn({ generationId: input.generationId, model: input.model, messages, maxTokens: input.maxTokens, batchMs: input.batchMs });
    outputTokens += turn.outputTokens;
    messages.push({ role: 'assistant', content: turn.content });
    if (turn.toolCalls.length === 0) break;
    const results = await Promise.all(turn.toolCalls.map((call) => runOneTool(input.generationId, call, (event) => tools.publish(event))));
    messages.push({ role: 'user', content: results });
  }

  complete.publish({ outputTokens, iterations: Math.min(iteration, input.maxIterations) });
  // As the sample does: hold the run open so subscribers' next poll delivers `complete` before the log is gone.
  await sleep('500 milliseconds');
  return { outputTokens, iterations: Math.min(iteration, input.maxIterations) };
}

async function runOneTool(generationId: string, call: ToolCallRequest, publish: (event: ToolEvent) => void): Promise<ContentBlockParam> {
  publish({ type: 'started', toolUseId: call.id });
  try {
    const result = await runTool({ generationId, toolUseId: call.id, name: call.name, input: call.input, attempt: 1 });
    publish({ type: 'completed', toolUseId: call.id, durationMs: result.durationMs });
    return { type: 'tool_result', tool_use_id: call.id, content: result.output };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    publish({ type: 'failed', toolUseId: call.id, error });
    return { type: 'tool_result', tool_use_id: call.id, content: error, is_error: true };
  }
}
