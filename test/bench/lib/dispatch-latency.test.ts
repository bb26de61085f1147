import { dispatchLatencies, dispatchTimings } from '../../../bench/lib/dispatch-latency';
import type { GenerationEvent } from '../../../src/shared/events';

const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

function toolEvents(id: string, detectedMs: number, scheduledMs: number, completedMs: number, durationMs: number, attempt = 1): GenerationEvent[] {
  return [
    { seq: 1, at: at(detectedMs), type: 'tool.detected', toolUseId: id, name: 'sleep', input: { ms: durationMs }, iteration: 1, summary: 'sleep' },
    { seq: 2, at: at(scheduledMs), type: 'tool.started', toolUseId: id, attempt },
    { seq: 3, at: at(completedMs), type: 'tool.completed', toolUseId: id, attempt, resultPreview: 'ok', durationMs },
  ];
}

describe('dispatchTimings', () => {
  it('splits detected → code start at the workflow task that scheduled the tool', () => {
    // Detected at 1000, scheduled at 1030, code ran 1050..1150.
    expect(dispatchTimings(toolEvents('a', 1000, 1030, 1150, 100))).toEqual([{ total: 50, toWorkflow: 30, toToolCode: 20 }]);
  });

  it('leaves out calls that needed a retry or never completed', () => {
    const retried = toolEvents('b', 0, 10, 500, 100, 2);
    const unfinished = toolEvents('c', 0, 10, 500, 100).slice(0, 2);
    expect(dispatchLatencies([...retried, ...unfinished, ...toolEvents('d', 2000, 2005, 2110, 100)])).toEqual([10]);
  });
});
