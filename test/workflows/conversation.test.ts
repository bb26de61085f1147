import { Conversation } from '../../src/workflows/conversation';

describe('Conversation', () => {
  test('a turn is committed with its tool results right after it', () => {
    const conversation = new Conversation([{ role: 'user', content: 'go' }]);
    conversation.commitTurn([{ type: 'tool_use', id: 't1', name: 'count', input: {} }], [{ type: 'tool_result', tool_use_id: 't1', content: '1' }]);
    expect(conversation.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'count', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '1' }] },
    ]);
  });

  test('user text joins the last user message after its tool results, so roles keep alternating', () => {
    const conversation = new Conversation([{ role: 'user', content: 'go' }]);
    conversation.addUserText('and hurry');
    expect(conversation.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'go' }, { type: 'text', text: 'and hurry' }] }]);
    conversation.commitTurn([{ type: 'text', text: 'done' }], []);
    conversation.addUserText('again');
    expect(conversation.messages.at(-1)).toEqual({ role: 'user', content: 'again' });
  });

  test('messages is a copy: changing it does not change the conversation', () => {
    const conversation = new Conversation([{ role: 'user', content: 'go' }]);
    conversation.messages.push({ role: 'assistant', content: 'injected' });
    expect(conversation.messages).toHaveLength(1);
  });
});
