import type { EventOf, GenerationEvent } from '../../src/shared/events';

/** One tool call's way from the model's stream to its code, in milliseconds. */
export interface DispatchTiming {
  /** tool.detected → tool code starting: the dispatch latency the benchmark reports. */
  total: number;
  /**
   * tool.detected → the workflow task that scheduled the tool (`tool.started.at` is workflow time, i.e. when
   * that task started): the signal's trip through Temporal and the wait for a workflow task.
   */
  toWorkflow: number;
  /** That workflow task → tool code starting: running the task on the worker, completing it, the eager activity start. */
  toToolCode: number;
}

/**
 * Dispatch timing of each tool call that completed on its first attempt: from the model activity
 * seeing the tool_use block stop (`tool.detected.at`) to the tool's code starting, which is
 * `tool.completed.at − durationMs` (both taken inside the tool activity, on the same clock).
 */
export function dispatchTimings(events: readonly GenerationEvent[]): DispatchTiming[] {
  const detected = new Map<string, EventOf<'tool.detected'>>();
  const started = new Map<string, EventOf<'tool.started'>>();
  const timings: DispatchTiming[] = [];
  for (const event of events) {
    if (event.type === 'tool.detected') detected.set(event.toolUseId, event);
    if (event.type === 'tool.started' && event.attempt === 1) started.set(event.toolUseId, event);
    if (event.type === 'tool.completed' && event.attempt === 1) {
      const seen = detected.get(event.toolUseId);
      const scheduled = started.get(event.toolUseId);
      if (!seen || !scheduled) continue;
      const codeStart = Date.parse(event.at) - event.durationMs;
      const detectedAt = Date.parse(seen.at);
      const scheduledAt = Date.parse(scheduled.at);
      timings.push({ total: codeStart - detectedAt, toWorkflow: scheduledAt - detectedAt, toToolCode: codeStart - scheduledAt });
    }
  }
  return timings;
}

export function dispatchLatencies(events: readonly GenerationEvent[]): number[] {
  return dispatchTimings(events).map((timing) => timing.total);
}
