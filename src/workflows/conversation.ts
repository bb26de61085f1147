import type { ContentBlockParam, MessageParam } from '../shared/model-turn';
import type { ToolResultBlock } from './tool-scheduler';

/**
 * The messages sent to the model. A turn is committed whole (its assistant message together with
 * the user message of its tool results), so at any point between turns, for instance when the
 * generation is cancelled, every tool_use in it has exactly one tool_result.
 */
export class Conversation {
  private readonly list: MessageParam[];

  constructor(messages: readonly MessageParam[]) {
    this.list = [...messages];
  }

  get messages(): MessageParam[] {
    return [...this.list];
  }

  commitTurn(content: ContentBlockParam[], toolResults: ToolResultBlock[]): void {
    if (content.length > 0) this.list.push({ role: 'assistant', content });
    if (toolResults.length > 0) this.list.push({ role: 'user', content: toolResults });
  }

  /** A user's words join the last user message when there is one (after tool results, as the API wants). */
  addUserText(text: string): void {
    const last = this.list[this.list.length - 1];
    if (last?.role !== 'user') {
      this.list.push({ role: 'user', content: text });
      return;
    }
    const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
    this.list[this.list.length - 1] = { role: 'user', content: [...blocks, { type: 'text', text }] };
  }
}
