import type { ContentBlockParam, DetectedToolCall, ModelTurnResult, StreamProgress } from '../shared/model-turn';
import { commitPartialTurn, withoutInputs, type PartialTurn } from '../shared/partial-turn';
import { textPieces } from '../shared/bounded-event';
import { zeroUsage } from '../shared/usage';
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
  private content: ContentBlockParam[] = [];
  private toolCalls: DetectedToolCall[] = [];
  /** Every call handed to the scheduler in this iteration, whatever attempt it came from. */
  private readonly dispatched: DetectedToolCall[] = [];
  /** The input of every call received in this iteration, by id: results and claims leave it out. */
  private readonly inputs = new Map<string, unknown>();
  /** Attempts below this were claimed past by a retry: their late signals are stale. */
  private claimedFrom = 0;
  private closed = false;
  /** Set while the result is taken: every call in it starts now, eager or not. */
  private closing = false;
  /** Resources of this attempt's calls held until the stream ends: later calls on them wait too, to keep their order. */
  private heldResources = new Set<string>();
  /** The model's tool_use ids mapped to the calls' own: a repeat of an id used in an earlier turn gets a new one. */
  private readonly ownIds = new Map<string, string>();
  private readonly assignedIds = new Set<string>();

  constructor(
    readonly iteration: number,
    private readonly recorder: Recorder,
    private readonly scheduler: ToolScheduler,
    /** False for the after-stream baseline: calls are only collected until the stream's result. */
    private readonly dispatchEarly = true,
  ) {}

  onProgress(progress: StreamProgress): void {
    if (this.closed || progress.iteration !== this.iteration || progress.attempt < Math.max(this.attempt, this.claimedFrom)) return;
    this.enterAttempt(progress.attempt);
    for (const item of progress.items) {
      if (item.type === 'text') this.appendText(item.text, item.at);
      else if (item.type === 'thinking') this.appendThinking(item.text);
      else this.receiveToolCall(this.identified(item.call), this.dispatchEarly);
    }
    if (progress.usage) this.recorder.emit({ type: 'usage.updated', iteration: this.iteration, attempt: this.attempt, ...progress.usage });
    this.recorder.setModelPhase(progress.phase);
  }

  /** A retried attempt takes over: older attempts are not heard from again; it gets what they delivered. */
  claim(attempt: number): PartialTurn | null {
    if (this.closed) return null;
    this.claimedFrom = Math.max(this.claimedFrom, attempt);
    const received = this.received();
    return withoutInputs(received, new Set(received.toolCalls.map((call) => call.id)));
  }

  /** What the current attempt delivered so far; a retried attempt commits it when it holds tool calls. */
  received(): PartialTurn {
    return { streamAttempt: this.attempt, content: [...this.content], toolCalls: [...this.toolCalls], text: this.receivedText, usage: zeroUsage };
  }

  /** What this call streamed before a cancel cut it short; undefined once its result was taken (the loop holds the turn then). */
  unfinished(): PartialTurn | undefined {
    return this.closed ? undefined : this.received();
  }

  /** The turn as far as it got, when the model call failed for good after tool calls were handed over. */
  commitReceived(interruption: string): ModelTurnResult | undefined {
    if (this.toolCalls.length === 0) return undefined;
    return commitPartialTurn(this.received(), 0, interruption);
  }

  /** The model call failed with nothing worth keeping: its text must not stay on screen. */
  abandonAttempt(): void {
    if (this.receivedText.length > 0) this.supersede();
    this.recorder.setModelPhase('none');
  }

  /**
   * Takes the call's result as the turn. A call that was started but is missing from the result (an
   * older attempt's, heard before a retry claimed the turn) is added to it: every tool that ran is
   * reported to the model, with exactly one result.
   */
  close(taken: ModelTurnResult): ModelTurnResult {
    const result = this.withInputs(this.withOwnIds(taken));
    this.closing = true;
    this.enterAttempt(result.streamAttempt);
    if (!result.text.startsWith(this.receivedText)) this.supersede();
    const missing = result.text.slice(this.receivedText.length);
    if (missing.length > 0) this.appendText(missing, result.streamEndedAt);
    for (const call of result.toolCalls) this.receiveToolCall(call, true);
    this.closed = true;
    this.recorder.setModelPhase('none', result.streamEndedAt);
    const inResult = new Set(result.toolCalls.map((call) => call.id));
    const orphans = this.dispatched.filter((call) => !inResult.has(call.id));
    if (orphans.length === 0) return result;
    return {
      ...result,
      content: [...result.content, ...orphans.map((call) => toolUseBlock(call))],
      toolCalls: [...result.toolCalls, ...orphans],
      stopReason: 'tool_use',
    };
  }

  /**
   * Some proxies number tool calls per response, so a later turn can repeat an id: reusing it would
   * answer the new call with the old result (and the API refuses repeated tool_use ids). Such a call
   * gets an id of its own, in the events, the conversation and its tool_result alike.
   */
  private ownId(modelId: string): string {
    const known = this.ownIds.get(modelId);
    if (known !== undefined) return known;
    // Already one of ours: what a claim handed back, now in the retried attempt's result.
    if (this.assignedIds.has(modelId)) return modelId;
    // `_i<iteration>`: apart from the `_<n>` the model activity gives a repeat within one response.
    let id = modelId;
    for (let n = 1; this.scheduler.isTaken(id) || this.assignedIds.has(id); n++) id = n === 1 ? `${modelId}_i${this.iteration}` : `${modelId}_i${this.iteration}_${n}`;
    this.ownIds.set(modelId, id);
    this.assignedIds.add(id);
    return id;
  }

  private identified(call: DetectedToolCall): DetectedToolCall {
    const id = this.ownId(call.id);
    return id === call.id ? call : { ...call, id, modelToolUseId: call.modelToolUseId ?? call.id };
  }

  private withOwnIds(result: ModelTurnResult): ModelTurnResult {
    const renamed = (id: string): boolean => this.ownId(id) !== id;
    if (!result.toolCalls.some((call) => renamed(call.id))) return result;
    return {
      ...result,
      content: result.content.map((block) => (block.type === 'tool_use' && renamed(block.id) ? { ...block, id: this.ownId(block.id) } : block)),
      toolCalls: result.toolCalls.map((call) => this.identified(call)),
      ...(result.inputsOmitted ? { inputsOmitted: result.inputsOmitted.map((id) => this.ownId(id)) } : {}),
    };
  }

  /** Puts back the inputs a result left out, from the calls the signals delivered. */
  private withInputs(result: ModelTurnResult): ModelTurnResult {
    if (!result.inputsOmitted || result.inputsOmitted.length === 0) return result;
    const inputOf = (id: string, fallback: unknown): unknown => (this.inputs.has(id) ? this.inputs.get(id) : fallback);
    const { inputsOmitted: _omitted, ...rest } = result;
    return {
      ...rest,
      content: result.content.map((block) => (block.type === 'tool_use' ? { ...block, input: inputOf(block.id, block.input) } : block)),
      toolCalls: result.toolCalls.map((call) => ({ ...call, input: inputOf(call.id, call.input) })),
    };
  }

  private enterAttempt(attempt: number): void {
    if (attempt <= this.attempt) return;
    if (this.receivedText.length > 0) this.supersede();
    this.content = [];
    this.toolCalls = [];
    this.heldResources = new Set();
    this.attempt = attempt;
  }

  private supersede(): void {
    this.recorder.emit({ type: 'attempt.superseded', iteration: this.iteration, attempt: this.attempt });
    this.receivedText = '';
    this.content = this.content.filter((block) => block.type !== 'text');
  }

  private appendText(text: string, at: string): void {
    this.receivedText += text;
    const last = this.content[this.content.length - 1];
    if (last?.type === 'text') this.content[this.content.length - 1] = { type: 'text', text: last.text + text };
    else this.content.push({ type: 'text', text });
    for (const piece of textPieces(text)) this.recorder.emit({ type: 'text.delta', iteration: this.iteration, attempt: this.attempt, text: piece }, at);
  }

  /** Thinking is only shown: the thinking block with its signature reaches the conversation through the turn's result. */
  private appendThinking(text: string): void {
    for (const piece of textPieces(text)) this.recorder.emit({ type: 'thinking.delta', iteration: this.iteration, attempt: this.attempt, text: piece });
  }

  /** A call not in the policy's `eagerTools` starts when the stream ends, and so does any later call on its resource. */
  private heldUntilStreamEnds(call: DetectedToolCall): boolean {
    const held = !this.scheduler.startsEarly(call.name) || (call.resourceKey !== null && this.heldResources.has(call.resourceKey));
    if (held && call.resourceKey !== null) this.heldResources.add(call.resourceKey);
    return held;
  }

  private receiveToolCall(call: DetectedToolCall, dispatch: boolean): void {
    if (!this.inputs.has(call.id)) this.inputs.set(call.id, call.input);
    if (!this.toolCalls.some((known) => known.id === call.id)) {
      this.toolCalls.push(call);
      this.content.push(toolUseBlock(call));
    }
    if (!dispatch) return;
    if (!this.closing && this.heldUntilStreamEnds(call)) return;
    if (!this.dispatched.some((known) => known.id === call.id)) this.dispatched.push(call);
    this.scheduler.dispatch(call, this.iteration);
  }
}

function toolUseBlock(call: DetectedToolCall): ContentBlockParam {
  return { type: 'tool_use', id: call.id, name: call.name, input: call.input };
}
