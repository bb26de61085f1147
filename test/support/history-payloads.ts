import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface HistoryFigures {
  runs: number;
  events: number;
  /** Serialized bytes of every run's history. */
  bytes: number;
  /** The largest payload anywhere in the histories (data bytes), after the claim check. */
  largestPayload: number;
}

/** Walks every run of a workflow id, newest first back through continue-as-new, and measures what Temporal holds. */
export async function historyFigures(client: Client, workflowId: string): Promise<HistoryFigures> {
  const figures: HistoryFigures = { runs: 0, events: 0, bytes: 0, largestPayload: 0 };
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    figures.runs++;
    figures.events += history.events?.length ?? 0;
    figures.bytes += temporal.api.history.v1.History.encode(history).finish().length;
    figures.largestPayload = Math.max(figures.largestPayload, largestPayloadIn(history));
  }
  return figures;
}

function largestPayloadIn(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (value instanceof Uint8Array) return 0;
  const record = value as Record<string, unknown>;
  let largest = record.data instanceof Uint8Array && 'metadata' in record ? record.data.length : 0;
  for (const inner of Object.values(record)) largest = Math.max(largest, largestPayloadIn(inner));
  return largest;
}
