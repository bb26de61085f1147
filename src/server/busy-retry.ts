import { setTimeout as sleep } from 'node:timers/promises';
import { isTemporalBusy } from './temporal-errors';

export interface BusyRetryOptions {
  /** Calls in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultBusyRetry: BusyRetryOptions = { attempts: 4, initialDelayMs: 20, maxDelayMs: 200 };

/**
 * Calls `call` again while Temporal answers RESOURCE_EXHAUSTED, with short jittered backoff: a burst
 * that filled a workflow's query buffer is usually gone a workflow task later. The last error is
 * rethrown as is; other errors at once.
 */
export async function retryWhileBusy<T>(call: () => Promise<T>, options: BusyRetryOptions, onRetry: () => void = () => undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= options.attempts || !isTemporalBusy(err)) throw err;
      onRetry();
      const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
      // Half fixed, half random: retries of many callers spread out, yet none comes back at once.
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}
