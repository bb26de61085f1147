import { SseParser, type SseMessage } from '../../src/cli/sse-parser';

export interface SseResult {
  status: number;
  contentType: string | null;
  messages: SseMessage[];
  /** Raw text received, comments included (to see keep-alives). */
  raw: string;
  /** True when the server ended the stream; false when we stopped reading. */
  endedByServer: boolean;
}

export interface SseOptions {
  headers?: Record<string, string>;
  /** Stop reading (and hang up) once this returns true for the messages so far. */
  until?: (messages: SseMessage[], raw: string) => boolean;
  timeoutMs?: number;
}

/** Reads one SSE response over plain fetch, as an HTTP client would, until the server ends it or `until` holds. */
export async function readSse(url: string, options: SseOptions = {}): Promise<SseResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`SSE read of ${url} timed out`)), options.timeoutMs ?? 60_000);
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  let raw = '';
  try {
    const res = await fetch(url, { headers: options.headers, signal: controller.signal });
    const result = { status: res.status, contentType: res.headers.get('content-type'), messages, raw, endedByServer: false };
    if (!res.body || res.status !== 200) {
      result.raw = await res.text();
      return result;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      if (options.until?.(messages, raw)) {
        controller.abort();
        break;
      }
      const { value, done } = await reader.read();
      if (done) {
        result.endedByServer = true;
        break;
      }
      raw += value;
      parser.feed(value);
    }
    return { ...result, raw };
  } finally {
    clearTimeout(timer);
  }
}
