import { ActivityFailure, ApplicationFailure, setHandler } from '@temporalio/workflow';
import { eventsQuery, modelStreamSignal, stateQuery } from '../shared/definitions';
import type { GenerationInput, GenerationResult } from '../shared/generation';
import type { MessageParam, ModelTurnResult } from '../shared/model-turn';
import { modelActivityOptions, streamModelTurn } from './activity-proxies';
import { ModelTurnTracker } from './model-turn-tracker';
import { Recorder } from './recorder';
import { ToolScheduler } from './tool-scheduler';

/** Stop reasons after which the model expects to go on: it asked for tools, or a server tool paused its turn. */
const continuingStopReasons = new Set(['tool_use', 'pause_turn']);

/**
 * One generation: the agent loop. Each iteration streams one model turn; tool calls are started by
 * the tracker as their blocks complete, mid-stream; their results go back in one user message
 * right after the turn's (single) assistant message.
 */
export async function generationWorkflow(input: GenerationInput): Promise<GenerationResult> {
  const recorder = new Recorder(input.options.eventBufferSize);
  const scheduler = new ToolScheduler(input.generationId, recorder, input.options.toolRetry);
  let tracker: ModelTurnTracker | undefined;

  setHandler(stateQuery, () => recorder.state);
  setHandler(eventsQuery, ({ after, limit }) => recorder.log.read(after, limit));
  setHandler(modelStreamSignal, (progress) => tracker?.onProgress(progress));

  recorder.emit({
    type: 'generation.started',
    generationId: input.generationId,
    prompt: input.prompt,
    model: input.model,
    maxIterations: input.maxIterations,
  });

  const messages: MessageParam[] = [{ role: 'user', content: input.prompt }];
  let stopReason = 'max_iterations';
  try {
    for (let iteration = 1; iteration <= input.maxIterations; iteration++) {
      recorder.emit({ type: 'iteration.started', iteration });
      recorder.setModelPhase('thinking');
      tracker = new ModelTurnTracker(iteration, recorder, scheduler);
      const turn = await streamModelTurn.executeWithOptions(
        { ...modelActivityOptions, summary: `model turn ${iteration} (${input.model})` },
        [
          {
            generationId: input.generationId,
            iteration,
            model: input.model,
            system: input.system,
            messages,
            maxTokens: input.options.maxTokens,
            textBatchMs: input.options.textBatchMs,
          },
        ],
      );
      tracker.close(turn);
      recordIterationEnd(recorder, iteration, turn);

      if (turn.content.length > 0) messages.push({ role: 'assistant', content: turn.content });
      if (turn.toolCalls.length > 0) {
        messages.push({ role: 'user', content: await scheduler.resultsFor(turn.toolCalls) });
      }
      const goesOn = turn.toolCalls.length > 0 || continuingStopReasons.has(turn.stopReason);
      if (!goesOn) {
        stopReason = turn.stopReason;
        break;
      }
    }
  } catch (err) {
    recorder.setModelPhase('none');
    recorder.emit({ type: 'generation.failed', error: describeModelFailure(err) });
    return { state: recorder.state, log: recorder.log.snapshot() };
  }
  recorder.emit({ type: 'generation.completed', stopReason });
  return { state: recorder.state, log: recorder.log.snapshot() };
}

function recordIterationEnd(recorder: Recorder, iteration: number, turn: ModelTurnResult): void {
  recorder.emit(
    { type: 'iteration.completed', iteration, usage: turn.usage, costUsd: turn.costUsd, stopReason: turn.stopReason },
    turn.streamEndedAt,
  );
}

function describeModelFailure(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `Model call failed: ${cause.message}`;
  return `Model call failed: ${cause instanceof Error ? cause.message : String(cause)}`;
}
