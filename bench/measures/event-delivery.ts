import { setTimeout as sleep } from 'node:timers/promises';
import { isFinished } from '../../src/shared/state';
import type { BenchContext, BenchResults } from '../lib/results';
import type { BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { batchMs, checkBatches, tokensPerSecond, withDeliveryStream } from './delivery-stream';
import { GenerationClient } from './generation-client';

const pollMs = 100;

/**
 * Measure 3: a text delta leaving the model activity → a polling HTTP client holding it. One generation
 * streams text at a steady rate with 100 ms batching; the client polls every 100 ms (a fixed cadence,
 * and at once while a page ends below lastSeq) with its cursor. Per text.delta event, two clocks start:
 * event.at, when the batch's *first* delta reached the activity (the batch's worst delta, batching wait
 * included), and the moment the signal carrying the batch left the activity. Both stop when the client
 * had the page parsed.
 */
export async function measureEventDelivery(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const streamSeconds = ctx.quick ? 8 : 30;
  return withDeliveryStream(temporal, streamSeconds, async ({ stack, id, sentAt, cpu }) => {
    const client = new GenerationClient(stack.url);
    const latencies: number[] = [];
    const fromSent: number[] = [];
    let cursor = 0;
    const deadline = Date.now() + streamSeconds * 1000 + 60_000;
    for (let nextPollAt = Date.now(); ; ) {
      if (Date.now() > deadline) throw new Error(`event delivery: generation ${id} still running long after its ${streamSeconds} s stream`);
      await sleep(Math.max(0, nextPollAt - Date.now()));
      nextPollAt = Date.now() + pollMs;
      const { page, receivedAt } = await client.events(id, cursor);
      if (page.gap) throw new Error(`event delivery: the poller fell behind the buffer after seq ${cursor}`);
      for (const event of page.events) {
        if (event.seq !== cursor + 1) throw new Error(`event delivery: expected seq ${cursor + 1}, got ${event.seq}`);
        cursor = event.seq;
        if (event.type !== 'text.delta') continue;
        latencies.push(receivedAt - Date.parse(event.at));
        const sent = sentAt(event.at);
        if (sent !== undefined) fromSent.push(receivedAt - sent);
      }
      if (cursor < page.lastSeq) nextPollAt = Date.now();
      else if (isFinished(page.status)) break;
    }
    const usage = cpu();
    checkBatches('event delivery', streamSeconds, latencies.length, fromSent.length);
    const summary = summarize(latencies);
    const fromBatchSent = summarize(fromSent);
    ctx.log(`event delivery: from first delta ${JSON.stringify(summary)}, from batch sent ${JSON.stringify(fromBatchSent)}`);
    return {
      eventDeliveryMs: { ...summary, batchMs, pollMs, fromBatchSent },
      samples: { eventDelivery: latencies, eventDeliveryFromSent: fromSent },
      settings: { eventDelivery: { streamSeconds, tokensPerSecond, batchMs, pollMs, cpu: usage } },
    };
  });
}
