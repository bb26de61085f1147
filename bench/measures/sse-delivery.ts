import { workflowIdFor } from '../../src/shared/generation';
import type { BenchContext, BenchResults } from '../lib/results';
import { subscribeGeneration } from '../lib/sse-subscriber';
import { startStack, type BenchTemporal } from '../lib/stack';
import { summarize } from '../lib/stats';
import { describeCpu, measureCpu } from './cpu-usage';
import { GenerationClient, promptFor } from './generation-client';
import { textFor } from './scripted-stream';
import { SignalRecorder } from './signal-recorder';
import { stackEnv } from './stack-env';
import { warmUp, warmupScenario, warmupScenarioName } from './warmup';

const batchMs = 100;
const tokensPerSecond = 50;

/**
 * Event delivery over SSE: a text batch leaving the model activity → an SSE client of
 * `GET /v1/generations/:id/stream` (as a browser's EventSource) holding the parsed event. The same
 * stream and clocks as the polling measure (event-delivery.ts), so the two read side by side: per
 * text.delta, from the signal carrying its batch leaving the activity (judged), and from the batch's
 * first delta (`at`, the batching wait included).
 */
export async function measureSseDelivery(temporal: BenchTemporal, ctx: BenchContext): Promise<Partial<BenchResults>> {
  const streamSeconds = ctx.quick ? 6 : 30;
  const scenario = [{ steps: textFor(streamSeconds, tokensPerSecond), tokensPerSecond, stopReason: 'end_turn' as const }];
  const signals = new SignalRecorder();
  const scenarios = { delivery: scenario, [warmupScenarioName]: warmupScenario };
  const stack = await startStack(temporal, scenarios, stackEnv({ TOOLSTREAM_TEXT_BATCH_MS: String(batchMs) }), { clientInterceptors: signals.interceptors() });
  try {
    await warmUp(stack, temporal);
    const cpu = measureCpu();
    const { id } = await new GenerationClient(stack.url).create(promptFor('delivery'));
    const deltas: { atMs: number; seenAt: number }[] = [];
    const result = await subscribeGeneration({
      url: stack.url,
      id,
      deadline: Date.now() + streamSeconds * 1000 + 60_000,
      onTextDelta: (atMs, seenAt) => deltas.push({ atMs, seenAt }),
    });
    if (!result.finished) throw new Error(`sse delivery: the stream did not end cleanly: ${result.errorSamples.join('; ')}`);
    const usage = describeCpu(cpu());
    const fromFirst = deltas.map((delta) => delta.seenAt - delta.atMs);
    const fromSent = deltas.flatMap((delta) => {
      const sentAt = signals.textSentAt(workflowIdFor(id), new Date(delta.atMs).toISOString());
      return sentAt === undefined ? [] : [delta.seenAt - sentAt];
    });
    if (deltas.length < streamSeconds) throw new Error(`sse delivery: only ${deltas.length} text batches for a ${streamSeconds} s stream`);
    // A turn's last text batch comes with the turn's result, not in a signal: it has none to match.
    if (fromSent.length < deltas.length * 0.9 - 1) throw new Error(`sse delivery: only ${fromSent.length} of ${deltas.length} batches matched a recorded signal`);
    const summary = summarize(fromFirst);
    const fromBatchSent = summarize(fromSent);
    ctx.log(`sse delivery: from batch sent ${JSON.stringify(fromBatchSent)}, from first delta ${JSON.stringify(summary)}`);
    return {
      sseDeliveryMs: { ...summary, batchMs, fromBatchSent },
      samples: { sseDelivery: fromFirst, sseDeliveryFromSent: fromSent },
      settings: { sseDelivery: { streamSeconds, tokensPerSecond, batchMs, cpu: usage } },
    };
  } finally {
    await stack.close();
  }
}
