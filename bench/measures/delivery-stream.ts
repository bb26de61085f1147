import { workflowIdFor } from '../../src/shared/generation';
import { startStack, type BenchStack, type BenchTemporal } from '../lib/stack';
import { describeCpu, measureCpu } from './cpu-usage';
import { GenerationClient, promptFor } from './generation-client';
import { textFor } from './scripted-stream';
import { SignalRecorder } from './signal-recorder';
import { stackEnv } from './stack-env';
import { warmUp, warmupScenario, warmupScenarioName } from './warmup';

export const batchMs = 100;
export const tokensPerSecond = 50;

/** The one generation the delivery measures follow, running on its warmed-up stack. */
export interface DeliveryStream {
  stack: BenchStack;
  id: string;
  /** When the signal carrying the text batch whose first delta is stamped `at` left the activity. */
  sentAt(at: string): number | undefined;
  /** CPU use since just before the generation started, described. */
  cpu(): ReturnType<typeof describeCpu>;
}

/**
 * The stream both delivery measures (polling, SSE) read, so they read side by side: one generation
 * streaming text at a steady rate for `streamSeconds`, in `batchMs` batches, on a stack that records
 * when each text signal left the model activity. Runs `follow` on it, then stops the stack.
 */
export async function withDeliveryStream<T>(temporal: BenchTemporal, streamSeconds: number, follow: (stream: DeliveryStream) => Promise<T>): Promise<T> {
  const scenario = [{ steps: textFor(streamSeconds, tokensPerSecond), tokensPerSecond, stopReason: 'end_turn' as const }];
  const signals = new SignalRecorder();
  const scenarios = { delivery: scenario, [warmupScenarioName]: warmupScenario };
  const stack = await startStack(temporal, scenarios, stackEnv({ TOOLSTREAM_TEXT_BATCH_MS: String(batchMs) }), { clientInterceptors: signals.interceptors() });
  try {
    await warmUp(stack, temporal);
    const client = new GenerationClient(stack.url);
    const cpu = measureCpu();
    const { id } = await client.create(promptFor('delivery'));
    return await follow({ stack, id, sentAt: (at) => signals.textSentAt(workflowIdFor(id), at), cpu: () => describeCpu(cpu()) });
  } finally {
    await stack.close();
  }
}

/** Throws unless a text batch arrived for every second of the stream and (but for each turn's last) matched its signal. */
export function checkBatches(measure: string, streamSeconds: number, batches: number, matched: number): void {
  if (batches < streamSeconds) throw new Error(`${measure}: only ${batches} text batches for a ${streamSeconds} s stream`);
  // A turn's last text batch comes with the turn's result, not in a signal: it has none to match.
  if (matched < batches * 0.9 - 1) throw new Error(`${measure}: only ${matched} of ${batches} batches matched a recorded signal`);
}
