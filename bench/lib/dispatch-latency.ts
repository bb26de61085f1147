import type { EventOf, GenerationEvent } from '../../src/shared/events';

/**
 * Dispatch latency of each tool call that completed on its first attempt: from the model activity
 * seeing the tool_use block stop (`tool.detected.at`) to the tool's code starting, which is
 * `tool.completed.at − durationMs` (both taken inside the tool activity, on the same clock).
 */
export function dispatchLatencies(events: readonly GenerationEvent[]): number[] {
  const detected = new Map<string, EventOf<'tool.detected'>>();
  const latencies: number[] = [];
  for (const event of events) {
    if (event.type === 'tool.detected') detected.set(event.toolUseId, event);
    if (event.type === 'tool.completed' && event.attempt === 1) {
      const seen = detected.get(event.toolUseId);
      if (!seen) continue;
      const codeStart = Date.parse(event.at) - event.durationMs;
      latencies.push(codeStart - Date.parse(seen.at));
    }
  }
  return latencies;
}
