import { setMaxListeners } from 'node:events';
import type { Connection } from '@temporalio/client';

/**
 * The Temporal calls a long-lived reader has in flight, so shutting down can cancel them and wait
 * for them before the connection closes. A call still pending then would meet the closing server,
 * and the client's gRPC retry timer would fire on a closed channel and throw outside any promise.
 */
export class InFlightCalls {
  private readonly closing = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly connection: Connection) {
    // Every call in flight listens on the one signal: hundreds at once under load is expected, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing.signal.aborted) return Promise.reject(new Error('The API is shutting down'));
    const call = this.connection.withAbortSignal(this.closing.signal, fn);
    this.pending.add(call);
    const forget = (): void => {
      this.pending.delete(call);
    };
    call.then(forget, forget);
    return call;
  }

  /** Cancels every call in flight, refuses new ones, and resolves once all have settled. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([...this.pending]);
  }
}
