/**
 * Every text batch is a signal, and so a workflow task on Temporal and on this worker: at a fixed
 * window, twice the streams cost twice the CPU until tool calls queue behind text. The streams of one
 * worker therefore share a budget of text signals per second. Alone, a stream batches at its own
 * window; with many, each waits longer so the worker's total stays near the budget. Tool calls do not
 * wait for any window.
 */
export class TextBatchWindow {
  private activeStreams = 0;

  constructor(private readonly signalsPerSecond: number) {
    if (!(signalsPerSecond > 0)) throw new RangeError(`signalsPerSecond must be positive, got ${signalsPerSecond}`);
  }

  /** Counts a stream as active until the returned function is called (once; later calls do nothing). */
  open(): () => void {
    this.activeStreams++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.activeStreams--;
    };
  }

  get active(): number {
    return this.activeStreams;
  }

  /** The window a stream that asked for `requestedMs` waits now: never shorter than it asked. */
  windowMs(requestedMs: number): number {
    return Math.max(requestedMs, Math.round((this.activeStreams * 1000) / this.signalsPerSecond));
  }
}
