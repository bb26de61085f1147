import type { GenerationEvent } from '../shared/events';
import type { GenerationState } from '../shared/state';
import { ApiError, type CliApi } from './cli-api';
import { SseParser } from './sse-parser';

export type StreamItem = { kind: 'event'; event: GenerationEvent } | { kind: 'snapshot'; state: GenerationState };

const terminalTypes: ReadonlySet<string> = new Set(['generation.completed', 'generation.failed', 'generation.cancelled']);

/**
 * Follows a generation's SSE stream to its terminal event, reconnecting after a drop (an API restart,
 * say) with Last-Event-ID, so every event is handed over once, in order. 4xx answers end it with the
 * API's error; 5xx and connection failures are waited out.
 */
export async function followStream(api: CliApi, id: string, onItem: (item: StreamItem) => void, signal: AbortSignal): Promise<void> {
  let lastId = '';
  let lastType = '';
  let failures = 0;
  while (!signal.aborted) {
    try {
      const headers = api.headers(lastId === '' ? {} : { 'last-event-id': lastId });
      const res = await fetch(`${api.baseUrl}/v1/generations/${encodeURIComponent(id)}/stream`, { headers, signal });
      if (res.status >= 400 && res.status < 500) {
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        throw new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? res.statusText);
      }
      if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
      failures = 0;
      const parser = new SseParser((message) => {
        lastId = message.id;
        lastType = message.event;
        if (message.event === 'snapshot') onItem({ kind: 'snapshot', state: JSON.parse(message.data) as GenerationState });
        else onItem({ kind: 'event', event: JSON.parse(message.data) as GenerationEvent });
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      if (terminalTypes.has(lastType)) return;
    } catch (err) {
      if (err instanceof ApiError || signal.aborted) throw err;
      failures++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** failures, 5_000)));
  }
}
