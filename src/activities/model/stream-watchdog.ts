/**
 * Aborts a stream that goes silent. The SDK has a request timeout but no idle timeout, so a
 * connection that stays open and sends nothing would otherwise hang the attempt until start-to-close.
 */
export class StreamWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {
    this.reset();
  }

  get stalled(): boolean {
    return this.fired;
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onIdle();
    }, this.idleMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
