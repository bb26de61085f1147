import type { ModelPhase } from '../../shared/ai-activity';
import type { DetectedToolCall, StreamItem, StreamProgress } from '../../shared/model-turn';

export type SendProgress = (progress: StreamProgress) => Promise<void>;

/**
 * Delivers stream progress to the workflow in order, one signal in flight at a time. Text waits up
 * to the batch window to ride along with more; a tool call goes out at once (with any text before it, so
 * order is kept). Whatever piles up while a signal is in flight leaves in the next one.
 */
export class ProgressSender {
  private pending: StreamItem[] = [];
  private phase: ModelPhase = 'thinking';
  private phaseSent: ModelPhase | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly send: SendProgress,
    private readonly route: { iteration: number; attempt: number },
    /** Read when a batch starts waiting: the window may change with the worker's load. */
    private readonly batchMs: () => number,
  ) {}

  text(text: string): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.type === 'text') last.text += text;
    else this.pending.push({ type: 'text', text, at: new Date().toISOString() });
    this.flushSoon();
  }

  toolCall(call: DetectedToolCall): void {
    this.pending.push({ type: 'tool_call', call });
    this.flushNow();
  }

  /**
   * A tool_use block began: its call follows once the input has streamed. Pending text then waits a
   * full window from here, so that for a short input it leaves with the call in one signal instead of
   * just before it, where the call would queue behind that signal and its workflow task.
   */
  toolCallStarting(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushSoon();
  }

  setPhase(phase: ModelPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.flushSoon();
  }

  /** Sends what is left and waits for every signal; rejects with the first send failure. */
  async close(): Promise<void> {
    this.flushNow();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops the timer without sending: for an attempt that is failing anyway. */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushNow(), this.batchMs());
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.sendPending());
  }

  private async sendPending(): Promise<void> {
    if (this.failure !== undefined) return;
    if (this.pending.length === 0 && this.phaseSent === this.phase) return;
    const items = this.pending;
    this.pending = [];
    const phase = this.phase;
    try {
      await this.send({ ...this.route, phase, items });
      this.phaseSent = phase;
    } catch (err) {
      this.failure = err;
    }
  }
}
