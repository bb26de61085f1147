import type { ServerResponse } from 'http';
import { setImmediate as nextLoopTurn } from 'timers/promises';
import { randomInt, seededRandom } from './prng';

/** One SSE frame exactly as the real API formats it. */
export function formatSseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface SseWriterOptions {
  /** Write each frame in 1-3 byte slices (seeded) to exercise client reassembly. */
  byteSplit?: boolean;
  seed: string;
}

/**
 * Writes frames to the socket one at a time and waits until each has been handed to
 * the OS. Timing matters to the tests that use this fake (e.g. "the tool started
 * before the stream ended"), so nothing may sit in a buffer.
 */
export class SseWriter {
  private readonly random: () => number;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseWriterOptions,
  ) {
    this.random = seededRandom(`bytes:${options.seed}`);
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  async send(event: string, data: unknown): Promise<void> {
    const bytes = Buffer.from(formatSseFrame(event, data), 'utf8');
    if (!this.options.byteSplit) {
      await this.write(bytes);
      return;
    }
    let offset = 0;
    while (offset < bytes.length && !this.closed) {
      const size = randomInt(this.random, 1, 3);
      await this.write(bytes.subarray(offset, offset + size));
      // Yield a loop turn so each slice leaves in its own TCP segment rather than being
      // coalesced with the next write.
      await nextLoopTurn();
      offset += size;
    }
  }

  end(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.res.end(() => resolve()));
  }

  private write(chunk: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      // The callback may never fire if the peer vanishes mid-write, so 'close' also settles.
      const onClose = (): void => resolve();
      this.res.once('close', onClose);
      this.res.write(chunk, () => {
        this.res.off('close', onClose);
        resolve();
      });
    });
  }
}
