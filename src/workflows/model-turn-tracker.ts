import type { ModelTurnResult, StreamProgress } from '../shared/model-turn';
import type { Recorder } from './recorder';
import type { ToolScheduler } from './tool-scheduler';

/**
 * Follows one iteration's model call as its progress signals arrive. Signals of another iteration,
 * of an older attempt, or after the call's result was taken are stale and ignored. A newer attempt
 * supersedes the text of the one before. On the result, anything the signals missed is made good,
 * so the events always add up to exactly the turn's text and tool calls.
 */
export class ModelTurnTracker {
  private attempt = 0;
  private receivedText = '';
  private closed = false;

  constructor(
    readonly iteration: number,
    private readonly recorder: Recorder,
    private readonly scheduler: ToolScheduler,
  ) {}

  onProgress(progress: StreamProgress): void {
    if (this.closed || progress.iteration !== this.iteration || progress.attempt < this.attempt) return;
    this.enterAttempt(progress.attempt);
    for (const item of progress.items) {
      if (item.type === 'text') this.appendText(item.text, item.at);
      else this.scheduler.dispatch(item.call, this.iteration);
    }
    this.recorder.setModelPhase(progress.phase);
  }

  close(result: ModelTurnResult): void {
    this.enterAttempt(result.streamAttempt);
    if (!result.text.startsWith(this.receivedText)) this.supersede();
    const missing = result.text.slice(this.receivedText.length);
    if (missing.length > 0) this.appendText(missing, result.streamEndedAt);
    for (const call of result.toolCalls) this.scheduler.dispatch(call, this.iteration);
    this.closed = true;
    this.recorder.setModelPhase('none', result.streamEndedAt);
  }

  private enterAttempt(attempt: number): void {
    if (attempt <= this.attempt) return;
    if (this.receivedText.length > 0) this.supersede();
    this.attempt = attempt;
  }

  private supersede(): void {
    this.recorder.emit({ type: 'attempt.superseded', iteration: this.iteration, attempt: this.attempt });
    this.receivedText = '';
  }

  private appendText(text: string, at: string): void {
    this.receivedText += text;
    this.recorder.emit({ type: 'text.delta', iteration: this.iteration, attempt: this.attempt, text }, at);
  }
}
