import type Anthropic from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { StreamAssembler } from '../../../src/activities/model/stream-assembler';
import { createRunTool, type ToolActivityDeps } from '../../../src/activities/tools/run-tool';
import { Topic, type RetryEvent, type StreamTurnInput, type StreamTurnResult, type TextDelta, type ToolEvent } from './shared';

export interface WorkflowStreamsActivityDeps extends ToolActivityDeps {
  anthropic: Anthropic;
}

/**
 * The model activity of baseline (c), shaped like temporalio/samples-typescript's streamCompletion:
 * an activity-side WorkflowStreamClient publishes every text delta (the client batches them into one
 * signal per `batchInterval`), a `retry` event on attempts after the first, heartbeats as it streams.
 * The stream is read by the same StreamAssembler toolstream uses, through the real SDK, from the same
 * fake model; tool calls are published as they complete and returned for the workflow to run.
 */
export function createWorkflowStreamsActivities(deps: WorkflowStreamsActivityDeps) {
  async function streamTurn(input: StreamTurnInput): Promise<StreamTurnResult> {
    const ctx = Context.current();
    const client = WorkflowStreamClient.fromWithinActivity({ batchInterval: input.batchMs });
    try {
      const deltas = client.topic<TextDelta>(Topic.delta);
      const tools = client.topic<ToolEvent>(Topic.tool);
      if (ctx.info.attempt > 1) client.topic<RetryEvent>(Topic.retry).publish({ attempt: ctx.info.attempt });

      const assembler = new StreamAssembler({
        onText: (text) => deltas.publish({ text, at: Date.now() }),
        onBlockStart: () => undefined,
        onToolUse: (toolUse) => tools.publish({ type: 'detected', toolUseId: toolUse.id, name: toolUse.name, at: Date.now() }),
      });
      const stream = await deps.anthropic.messages.create(
        {
          model: input.model,
          max_tokens: input.maxTokens,
          messages: input.messages,
          tools: deps.tools.anthropicTools(),
          stream: true,
        },
        { signal: ctx.cancellationSignal },
      );
      for await (const event of stream) {
        assembler.handle(event);
        ctx.heartbeat();
      }
      const turn = assembler.result();
      return {
        content: turn.content,
        stopReason: turn.stopReason ?? 'end_turn',
        outputTokens: turn.usage.outputTokens,
        toolCalls: turn.toolUses.map((toolUse) => ({ id: toolUse.id, name: toolUse.name, input: toolUse.input })),
      };
    } finally {
      // What `await using` does in the sample: stop the flusher and send what is left.
      await client[Symbol.asyncDispose]();
    }
  }

  return { streamTurn, runTool: createRunTool(deps) };
}

export type WorkflowStreamsActivities = ReturnType<typeof createWorkflowStreamsActivities>;
