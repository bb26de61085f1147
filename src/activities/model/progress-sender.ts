import type { ModelPhase } from '../../shared/ai-activity';
import { ApplicationFailure } from '@temporalio/common';
import { formatBytes, limitExceededType } from '../../shared/limits';
import type { DetectedToolCall, StreamItem, StreamProgress } from '../../shared/model-turn';
import type { LiveUsage } from '../../shared/usage';
import { TextRunWindow } from './text-run-window';

export type SendProgress = (progress: StreamProgress) => Promise<void>;

export interface ProgressSenderOptions {
  /** Called once, with the failure that stopped delivery: the stream must stop, since nothing more reaches the workflow. */
  onFailure?: (err: unknown) => void;
  /** When the claim check is off: a signal above this many bytes would be refused, so it is not sent. */
  payloadLimitBytes?: number | null;
  /** Waits before each retry of a signal that failed for a passing reason (Temporal unavailable, busy, slow). */
  retryDelaysMs?: readonly number[];
  /**
   * When set, a run of text batches without a tool call doubles its window up to this many ms (see
   * TextRunWindow); unset, every batch waits the configured window.
   */
  textRunMaxMs?: number;
}

const defaultRetryDelaysMs = [100, 300, 1000];

/** gRPC codes of failures that may pass: UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const transientCodes = new Set([2, 4, 8, 10, 13, 14]);

function isTransient(err: unknown): boolean {
  for (let cause: unknown = err; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'number') return transientCodes.has(code);
  }
  return false;
}

/**
 * Delivers stream progress to the workflow in order, one signal in flight at a time. Text waits up
 * to the batch window to ride along with more; a tool call goes out at once (with any text before it, so
 * order is kept). Whatever piles up while a signal is in flight leaves in the next one. A signal that
 * fails for a passing reason is sent again; one that fails for good stops delivery and says so through
 * `onFailure` at once, so the stream does not go on with tool calls the workflow will never hear of.
 */
export class ProgressSender {
  private pending: StreamItem[] = [];
  private phase: ModelPhase = 'thinking';
  private phaseSent: ModelPhase | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private usageNow: LiveUsage | undefined;
  private usageSent: LiveUsage | undefined;
  /** Tool calls the workflow has received: what comes after may leave their input out. */
  readonly deliveredToolCalls = new Set<string>();
  private readonly textRun: TextRunWindow | undefined;
  /** Set by closeBeforeResult: a phase change alone no longer needs a signal. */
  private resultFollows = false;

  constructor(
    private readonly send: SendProgress,
    private readonly route: { iteration: number; attempt: number },
    /** Read when a batch starts waiting: the window may change with the worker's load. */
    private readonly batchMs: () => number,
    private readonly options: ProgressSenderOptions = {},
  ) {
    this.textRun = options.textRunMaxMs === undefined ? undefined : new TextRunWindow(options.textRunMaxMs);
  }

  /** The failure that stopped delivery, if one did. */
  get failed(): unknown {
    return this.failure;
  }

  text(text: string): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.type === 'text') last.text += text;
    else this.pending.push({ type: 'text', text, at: new Date().toISOString() });
    this.flushSoon();
  }

  /** Thinking text batches like text, in the same signals (no signal of its own beyond the batch window). */
  thinking(text: string): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.type === 'thinking') last.text += text;
    else this.pending.push({ type: 'thinking', text });
    this.flushSoon();
  }

  /** The stream's latest usage figures: they ride on the next signal that goes out anyway, never on one of their own. */
  usage(usage: LiveUsage): void {
    this.usageNow = usage;
  }

  toolCall(call: DetectedToolCall): void {
    this.pending.push({ type: 'tool_call', call });
    this.textRun?.reset();
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
    // The turn's result reports the final usage a moment later: the last signals need not carry it.
    this.usageSent = this.usageNow;
    this.flushNow();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * For a stream that ended well, right before its result goes back: the result carries the turn's whole
   * text and the workflow appends what the signals missed, so text still waiting for its window is not
   * sent in a signal of its own (that signal would be one more workflow task, landing just before the
   * one for the result). Tool calls and thinking (which the result does not show) still go out, with
   * any text before them; waits for every signal like `close()`.
   */
  async closeBeforeResult(): Promise<void> {
    if (this.pending.every((item) => item.type === 'text')) this.pending = [];
    // The phase the result ends with ('none') replaces whatever a last signal would have reported.
    this.resultFollows = true;
    return this.close();
  }

  /** Stops the timer without sending: for an attempt that is failing anyway. */
  abandon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flushSoon(): void {
    if (this.timer) return;
    const baseMs = this.batchMs();
    this.timer = setTimeout(() => this.flushNow(), this.textRun ? this.textRun.windowMs(baseMs) : baseMs);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.sendPending());
  }

  private async sendPending(): Promise<void> {
    if (this.failure !== undefined) return;
    if (this.pending.length === 0 && (this.phaseSent === this.phase || this.resultFollows)) return;
    const items = this.pending;
    this.pending = [];
    // Counted as the batch leaves, not when it lands: a tool call that comes meanwhile resets the run for the text after it.
    if (!items.some((item) => item.type === 'tool_call')) this.textRun?.textSent();
    const phase = this.phase;
    const usage = this.usageNow !== this.usageSent ? this.usageNow : undefined;
    const progress: StreamProgress = { ...this.route, phase, items, ...(usage ? { usage } : {}) };
    const limit = this.options.payloadLimitBytes;
    if (limit !== null && limit !== undefined) {
      const size = Buffer.byteLength(JSON.stringify(progress));
      if (size > limit) return this.fail(payloadTooLarge(size, limit, items));
    }
    const delays = this.options.retryDelaysMs ?? defaultRetryDelaysMs;
    for (let retry = 0; ; retry++) {
      try {
        await this.send(progress);
        this.phaseSent = phase;
        if (usage) this.usageSent = usage;
        for (const item of items) if (item.type === 'tool_call') this.deliveredToolCalls.add(item.call.id);
        return;
      } catch (err) {
        if (retry >= delays.length || !isTransient(err)) return this.fail(err);
        await new Promise((resolve) => setTimeout(resolve, delays[retry]));
      }
    }
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.options.onFailure?.(err);
  }
}

function payloadTooLarge(size: number, limit: number, items: StreamItem[]): ApplicationFailure {
  const call = items.find((item) => item.type === 'tool_call');
  const what = call?.type === 'tool_call' ? `The input of tool call ${call.call.id} (${call.call.name})` : 'The streamed text';
  return ApplicationFailure.create({
    type: limitExceededType,
    nonRetryable: true,
    message: `${what} makes a ${formatBytes(size)} signal, above Temporal's payload size limit of ${formatBytes(limit)} (TOOLSTREAM_PAYLOAD_LIMIT); turn the claim check on (TOOLSTREAM_CLAIM_CHECK=on) to carry it`,
  });
}
