import { workflowIdFor } from '../../src/shared/generation';
import type { BenchTemporal } from '../lib/stack';

/** Far beyond any scenario here (the longest streams ~35 s): reaching it means the stack is stuck. */
const defaultTimeoutMs = 5 * 60_000;

/**
 * Waits for a generation's workflow to close with Temporal's long poll: no HTTP polling loads the machine
 * while a measure runs. A generation that never ends fails the measure instead of hanging the bench.
 */
export async function awaitGeneration(temporal: BenchTemporal, id: string, timeoutMs = defaultTimeoutMs): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`generation ${id} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([temporal.env.client.workflow.getHandle(workflowIdFor(id)).result(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
