import type { ConversationCursor } from '../shared/generation';
import type { ContentBlockParam, MessageParam, ModelTurnInput } from '../shared/model-turn';
import type { ToolResultBlock } from './tool-scheduler';

/**
 * The messages sent to the model. A turn is committed whole (its assistant message together with
 * the user message of its tool results), so at any point between turns, for instance when the
 * generation is cancelled, every tool_use in it has exactly one tool_result.
 *
 * The workflow holds only what is not stored yet: the conversation store has every message up to
 * `head`, and `pending` is new work, which the next model call stores before it asks the model. So
 * no payload grows with the conversation. Runs from before the store (`stored` false) keep every
 * message pending and send them all, as they did when they were recorded.
 */
export class Conversation {
  private head: string | null;
  private readonly pending: MessageParam[];

  constructor(
    private readonly stored: boolean,
    cursor: ConversationCursor,
  ) {
    this.head = cursor.head;
    this.pending = [...cursor.pending];
  }

  /** What the model activity needs to build the request, and how many pending messages it stores. */
  modelInput(): { fields: Pick<ModelTurnInput, 'conversation' | 'messages'>; sent: number } {
    if (!this.stored) return { fields: { messages: [...this.pending] }, sent: 0 };
    return { fields: { conversation: { head: this.head, pending: [...this.pending] } }, sent: this.pending.length };
  }

  /** The model call stored the first `sent` pending messages: from now on they are behind `head`. */
  markStored(requestHead: string | null | undefined, sent: number): void {
    if (!this.stored || requestHead === undefined) return;
    this.head = requestHead;
    this.pending.splice(0, sent);
  }

  get cursor(): ConversationCursor {
    return { head: this.head, pending: [...this.pending] };
  }

  /** Every message, for runs from before the store (where all of them are pending). */
  get messages(): MessageParam[] {
    return [...this.pending];
  }

  commitTurn(content: ContentBlockParam[], toolResults: ToolResultBlock[]): void {
    if (content.length > 0) this.pending.push({ role: 'assistant', content });
    if (toolResults.length > 0) this.pending.push({ role: 'user', content: toolResults });
  }

  /**
   * A user's words join the last user message when it is still pending (after tool results, as the
   * API wants); a stored message never changes, so otherwise they start a new one.
   */
  addUserText(text: string): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.role !== 'user') {
      this.pending.push({ role: 'user', content: text });
      return;
    }
    const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
    this.pending[this.pending.length - 1] = { role: 'user', content: [...blocks, { type: 'text', text }] };
  }
}
