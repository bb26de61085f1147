import type { BenchContext, BenchResults } from '../lib/results';
import { subscribeGeneration } from '../lib/sse-subscriber';
import type { BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { batchMs, checkBatches, tokensPerSecond, withDeliveryStream } from './delivery-stream';

/**
 * Event delivery over SSE: a text batch leaving the model activity → an SSE client of
 * `GET /v1/generations/:id/stream` (as a browser's EventSource) holding the parsed event. The same
 * stream and clocks as the polling measure (event-delivery.ts), so the two read side by side: per
 * text.delta, from the signal carrying its batch leaving the activity (judged), and from the batch's
 * first delta (`at`, the batching wait included).
 */
export async function measureSseDelivery(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const streamSeconds = ctx.quick ? 6 : 30;
  return withDeliveryStream(temporal, streamSeconds, async ({ stack, id, sentAt, cpu }) => {
    const deltas: { atMs: number; seenAt: number }[] = [];
    const result = await subscribeGeneration({
      url: stack.url,
      id,
      deadline: Date.now() + streamSeconds * 1000 + 60_000,
      onTextDelta: (atMs, seenAt) => deltas.push({ atMs, seenAt }),
    });
    if (!result.finished) throw new Error(`sse delivery: the stream did not end cleanly: ${result.errorSamples.join('; ')}`);
    const usage = cpu();
    const fromFirst = deltas.map((delta) => delta.seenAt - delta.atMs);
    const fromSent = deltas.flatMap((delta) => {
      const sent = sentAt(new Date(delta.atMs).toISOString());
      return sent === undefined ? [] : [delta.seenAt - sent];
    });
    checkBatches('sse delivery', streamSeconds, deltas.length, fromSent.length);
    const summary = summarize(fromFirst);
    const fromBatchSent = summarize(fromSent);
    ctx.log(`sse delivery: from batch sent ${JSON.stringify(fromBatchSent)}, from first delta ${JSON.stringify(summary)}`);
    return {
      sseDeliveryMs: { ...summary, batchMs, fromBatchSent },
      samples: { sseDelivery: fromFirst, sseDeliveryFromSent: fromSent },
      settings: { sseDelivery: { streamSeconds, tokensPerSecond, batchMs, cpu: usage } },
    };
  });
}
