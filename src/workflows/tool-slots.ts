import type { CancellationScope } from '@temporalio/workflow';

/**
 * At most `size` tools of a generation run at once; the others wait first come, first served (the
 * scheduler asks in stream order). A waiter whose scope is cancelled leaves the line. Plain promises:
 * deterministic, and a freed slot goes straight to the next in line.
 */
export class ToolSlots {
  private running = 0;
  private readonly line: { id: string; grant: () => void }[] = [];

  constructor(private readonly size: number) {}

  async acquire(id: string, scope: CancellationScope): Promise<void> {
    if (this.running < this.size && this.line.length === 0) {
      this.running++;
      return;
    }
    let granted = false;
    const ticket = new Promise<void>((resolve) =>
      this.line.push({
        id,
        grant: () => {
          granted = true;
          resolve();
        },
      }),
    );
    try {
      await Promise.race([ticket, scope.cancelRequested]);
    } catch (err) {
      const place = this.line.findIndex((waiter) => waiter.id === id);
      if (granted) this.release();
      else if (place >= 0) this.line.splice(place, 1);
      throw err;
    }
  }

  release(): void {
    const next = this.line.shift();
    if (next) next.grant();
    else this.running--;
  }
}
