import http from 'node:http';
import { SseParser } from '../../src/cli/sse-parser';
import type { GenerationEvent } from '../../src/shared/events';

const terminalTypes = new Set(['generation.completed', 'generation.failed', 'generation.cancelled']);

export interface SubscriberOptions {
  url: string;
  id: string;
  /** Give up (and count it as an error) if the stream has not ended by then (epoch ms). */
  deadline: number;
  /** Called when the response headers arrive (epoch ms). */
  onConnected?: (at: number) => void;
  /** Called with every text.delta's `at` (epoch ms) and when this subscriber had it parsed. */
  onTextDelta?: (atMs: number, seenAt: number) => void;
}

export interface SubscriberResult {
  errors: number;
  errorSamples: string[];
  eventsSeen: number;
  /** The stream ended after the terminal event, every seq once and in order. */
  finished: boolean;
  /** Request written → response headers (the first page's read included), ms. */
  connectMs: number | null;
  /** When the response headers arrived (epoch ms): deliveries of events from before are backlog, not live. */
  connectedAt: number | null;
}

/**
 * One SSE client of `GET /v1/generations/:id/stream`, as a browser's EventSource would be, without
 * reconnecting: a dropped stream, a snapshot (fell behind), a hole or a repeat in the seqs is an error.
 */
export function subscribeGeneration(options: SubscriberOptions): Promise<SubscriberResult> {
  const result: SubscriberResult = { errors: 0, errorSamples: [], eventsSeen: 0, finished: false, connectMs: null, connectedAt: null };
  const fail = (message: string): void => {
    result.errors++;
    if (result.errorSamples.length < 5) result.errorSamples.push(message);
  };
  return new Promise((resolve) => {
    let cursor = 0;
    let sawTerminal = false;
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      result.finished = sawTerminal && result.errors === 0;
      if (!sawTerminal) fail(`stream of ${options.id} ended before the terminal event (after seq ${cursor})`);
      resolve(result);
    };
    const parser = new SseParser((message) => {
      if (message.event === 'snapshot') {
        fail(`snapshot after seq ${cursor}: the subscriber fell behind the buffer`);
        return;
      }
      const seenAt = Date.now();
      const event = JSON.parse(message.data) as GenerationEvent;
      if (event.seq !== cursor + 1) fail(`expected seq ${cursor + 1}, got ${event.seq}`);
      cursor = event.seq;
      result.eventsSeen++;
      if (event.type === 'text.delta') options.onTextDelta?.(Date.parse(event.at), seenAt);
      if (terminalTypes.has(event.type)) sawTerminal = true;
    });
    const started = performance.now();
    const req = http.get(`${options.url}/v1/generations/${options.id}/stream`, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      result.connectMs = Math.round((performance.now() - started) * 10) / 10;
      result.connectedAt = Date.now();
      options.onConnected?.(result.connectedAt);
      if (res.statusCode !== 200) {
        fail(`HTTP ${res.statusCode}`);
        res.resume();
        res.on('end', done);
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('end', done);
      res.on('error', (err) => {
        fail(err.message);
        done();
      });
    });
    req.on('error', (err) => {
      fail(err.message);
      done();
    });
    const timer = setTimeout(() => {
      fail(`generation ${options.id} not finished by the deadline`);
      req.destroy();
      done();
    }, Math.max(0, options.deadline - Date.now()));
  });
}
