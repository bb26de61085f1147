import { Conversation } from '../../src/workflows/conversation';

const start = { head: null, pending: [{ role: 'user' as const, content: 'go' }] };

describe('Conversation', () => {
  test('a turn is committed with its tool results right after it', () => {
    const conversation = new Conversation(true, start);
    conversation.commitTurn([{ type: 'tool_use', id: 't1', name: 'count', input: {} }], [{ type: 'tool_result', tool_use_id: 't1', content: '1' }]);
    expect(conversation.cursor.pending).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'count', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '1' }] },
    ]);
  });

  test('user text joins the last user message after its tool results, so roles keep alternating', () => {
    const conversation = new Conversation(true, start);
    conversation.addUserText('and hurry');
    expect(conversation.cursor.pending).toEqual([{ role: 'user', content: [{ type: 'text', text: 'go' }, { type: 'text', text: 'and hurry' }] }]);
    conversation.commitTurn([{ type: 'text', text: 'done' }], []);
    conversation.addUserText('again');
    expect(conversation.cursor.pending.at(-1)).toEqual({ role: 'user', content: 'again' });
  });

  test('the model input carries the stored head and only the pending messages, which then move behind the new head', () => {
    const conversation = new Conversation(true, start);
    const first = conversation.modelInput();
    expect(first).toEqual({ fields: { conversation: { head: null, pending: [{ role: 'user', content: 'go' }] } }, sent: 1 });
    conversation.markStored('h1', first.sent);
    conversation.commitTurn([{ type: 'text', text: 'hi' }], []);
    conversation.addUserText('more');
    expect(conversation.modelInput().fields).toEqual({
      conversation: { head: 'h1', pending: [{ role: 'assistant', content: [{ type: 'text', text: 'hi' }] }, { role: 'user', content: 'more' }] },
    });
  });

  test('a stored user message is never changed: new words after it start a new message', () => {
    const conversation = new Conversation(true, start);
    conversation.markStored('h1', conversation.modelInput().sent);
    conversation.addUserText('later');
    expect(conversation.cursor).toEqual({ head: 'h1', pending: [{ role: 'user', content: 'later' }] });
  });

  test('a call that did not answer with a head (an old-style result) leaves the pending messages pending', () => {
    const conversation = new Conversation(true, start);
    conversation.markStored(undefined, 1);
    expect(conversation.cursor).toEqual(start);
  });

  test('runs from before the store send every message, and never drop one', () => {
    const conversation = new Conversation(false, start);
    conversation.commitTurn([{ type: 'text', text: 'hi' }], []);
    const input = conversation.modelInput();
    expect(input).toEqual({ fields: { messages: [{ role: 'user', content: 'go' }, { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }] }, sent: 0 });
    conversation.markStored('h1', 2);
    expect(conversation.messages).toHaveLength(2);
  });

  test('the cursor is a copy: changing it does not change the conversation', () => {
    const conversation = new Conversation(true, start);
    conversation.cursor.pending.push({ role: 'assistant', content: 'injected' });
    expect(conversation.cursor.pending).toHaveLength(1);
  });
});
