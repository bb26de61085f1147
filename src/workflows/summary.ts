import type { ArchivedGeneration } from '../activities/storage/archive-generation';
import type { GenerationInput, GenerationSummary } from '../shared/generation';
import { ToolStatus, type GenerationState } from '../shared/state';

/**
 * A finished run's result: the figures a person looks for, and where the log and conversation are
 * stored. Not the run's settings: they are its input, which the Web UI shows beside the result.
 */
export function summarize(input: GenerationInput, state: GenerationState, archived: ArchivedGeneration, nextIteration: number): GenerationSummary {
  return {
    generationId: input.generationId,
    status: state.status,
    stopReason: state.stopReason,
    error: state.error,
    iterations: state.iteration,
    usage: state.usage,
    costUsd: state.costUsd,
    toolCalls: state.tools.length,
    failedToolCalls: state.tools.filter((tool) => tool.status === ToolStatus.failed).length,
    lastSeq: state.lastSeq,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    eventLog: { key: archived.eventLogKey },
    transcript: { head: archived.transcriptHead },
    nextIteration,
  };
}
