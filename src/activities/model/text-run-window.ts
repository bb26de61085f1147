/**
 * How long a text batch waits, by where it falls in a run of text. Every text batch is a modelStream
 * signal, and so a marker on the Web UI timeline and a workflow task: at a fixed 100 ms window a demo
 * generation drew ~180 of them around its nine activities. Nobody needs a long run of prose finer
 * than about a second, but the first words of a turn and the text right after a tool call are what a
 * watcher waits for. So a run starts at the configured window and each batch that leaves without a
 * tool call doubles it, up to `maxMs`; a tool call (and a new turn, which gets a new sender) starts the
 * next run at the configured window again. Tool calls never wait for any window.
 */
export class TextRunWindow {
  private batchesInRun = 0;

  /** `maxMs` caps the growth; a configured window above it is kept as it is, never shortened. */
  constructor(private readonly maxMs: number) {
    if (!(maxMs > 0)) throw new RangeError(`maxMs must be positive, got ${maxMs}`);
  }

  /** The window of the next batch, given the window configured (or stretched by the worker's load) now. */
  windowMs(baseMs: number): number {
    if (baseMs >= this.maxMs) return baseMs;
    return Math.min(this.maxMs, baseMs * 2 ** Math.min(this.batchesInRun, 30));
  }

  /** A batch without a tool call went out: the next one may wait longer. */
  textSent(): void {
    this.batchesInRun++;
  }

  /** A tool call came: the text after it is fresh news again. */
  reset(): void {
    this.batchesInRun = 0;
  }
}

/** Where text runs stop growing: about a second, coarse enough for a timeline, fine enough to read along. */
export const defaultTextRunMaxMs = 1000;
