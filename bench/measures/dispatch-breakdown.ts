import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { GenerationEvent } from '../../src/shared/events';
import type { StreamProgress, ToolRunInput } from '../../src/shared/model-turn';
import { eventsOfType } from './generation-client';
import type { SignalRecorder } from './signal-recorder';

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

/** The dispatch path, cut where a clock sees it; the segments of one tool call add up to its dispatch latency. */
export const DispatchSegment = {
  /** tool.detected → the signal carrying it leaves: validation, and waiting behind a signal already in flight. */
  inActivity: 'in activity',
  /** → the server has recorded the signal (its history event time): the signal RPC. */
  signalRpc: 'signal RPC',
  /** → a workflow task for it starts on the worker: a running task first finishes, then schedule-to-start. */
  taskWait: 'workflow task wait',
  /** → that task completes (runTool scheduled): the worker runs the activation, then the completion RPC. */
  taskRun: 'workflow task run',
  /** → the tool's code starts: eager activity dispatch back to the worker. */
  activityStart: 'activity start',
} as const;
export type DispatchSegment = (typeof DispatchSegment)[keyof typeof DispatchSegment];

/** Per tool call of one generation, its dispatch latency split into segments (ms). */
export function dispatchSegments(workflowId: string, events: readonly GenerationEvent[], history: History, signals: SignalRecorder): Record<DispatchSegment, number>[] {
  const timeline = (history.events ?? []).map((event) => ({ event, at: eventTime(event) }));
  const completed = eventsOfType(events, 'tool.completed');
  return eventsOfType(events, 'tool.detected').flatMap((call) => {
    const sentAt = signals.toolSentAt(workflowId, call.toolUseId);
    const signalIndex = timeline.findIndex(({ event }) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && signalCarries(event, call.toolUseId));
    const scheduled = timeline.find(({ event }) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && scheduledTool(event) === call.toolUseId);
    const done = completed.find((event) => event.toolUseId === call.toolUseId && event.attempt === 1);
    if (sentAt === undefined || signalIndex === -1 || !scheduled || !done) return [];
    const taskStarted = timeline.slice(signalIndex).find(({ event }) => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    if (!taskStarted) return [];
    const detectedAt = Date.parse(call.at);
    const signaledAt = timeline[signalIndex].at;
    const toolStart = Date.parse(done.at) - done.durationMs;
    return [
      {
        [DispatchSegment.inActivity]: sentAt - detectedAt,
        [DispatchSegment.signalRpc]: signaledAt - sentAt,
        [DispatchSegment.taskWait]: taskStarted.at - signaledAt,
        // ActivityTaskScheduled carries the completing task's time.
        [DispatchSegment.taskRun]: scheduled.at - taskStarted.at,
        [DispatchSegment.activityStart]: toolStart - scheduled.at,
      },
    ];
  });
}

function eventTime(event: temporal.api.history.v1.IHistoryEvent): number {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  return seconds * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}

function signalCarries(event: temporal.api.history.v1.IHistoryEvent, toolUseId: string): boolean {
  const progress = firstPayload<StreamProgress>(event.workflowExecutionSignaledEventAttributes?.input?.payloads);
  return progress?.items.some((item) => item.type === 'tool_call' && item.call.id === toolUseId) ?? false;
}

function scheduledTool(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  return firstPayload<ToolRunInput>(event.activityTaskScheduledEventAttributes?.input?.payloads)?.toolUseId;
}

function firstPayload<T>(payloads: temporal.api.common.v1.IPayload[] | null | undefined): T | undefined {
  const payload = payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<T>(payload as Payload) : undefined;
}
