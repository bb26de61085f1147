import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ScriptedTurn } from '../../src/fake-anthropic';
import { eventTypes, jsonByIndex, MODEL, streamEvents, useFakeAnthropic, userPrompt } from './helpers';

const WRITE_INPUT = { path: 'src/app.ts', content: 'export const greeting = "héllo \\"world\\"";\n'.repeat(3) };

const scenarios: Record<string, ScriptedTurn[]> = {
  textAndTools: [
    {
      steps: [
        { type: 'text', text: 'Let me write that file.' },
        { type: 'tool_use', id: 'toolu_custom', name: 'write_file', input: WRITE_INPUT },
        { type: 'text', text: 'And list the files.' },
        { type: 'tool_use', name: 'list_files' },
      ],
      usage: { inputTokens: 321, cacheReadInputTokens: 100, cacheCreationInputTokens: 7 },
    },
  ],
  rawJson: [{ steps: [{ type: 'tool_use', name: 'write_file', rawJson: '{"path": "a.txt", "content": "unterminated' }], jsonChunking: 5 }],
  cut: [
    {
      steps: [
        { type: 'text', text: 'Writing.' },
        { type: 'tool_use', name: 'write_file', input: { path: 'a', content: 'b' } },
        { type: 'tool_use', name: 'write_file', input: { path: 'big.txt', content: 'x'.repeat(200) }, cut: true },
        { type: 'text', text: 'never sent' },
      ],
    },
  ],
  thinking: [
    {
      steps: [
        { type: 'thinking', thinking: 'The user wants the weather. I should search.', signature: 'sig-abc123' },
        { type: 'redacted_thinking', data: 'EncryptedBlob==' },
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather paris' } },
        { type: 'web_search_tool_result', toolUseId: 'srvtoolu_1', content: [{ type: 'web_search_result', title: 'Paris', url: 'https://example.com', encrypted_content: 'e', page_age: null }] },
        { type: 'text', text: 'It is sunny.' },
      ],
    },
  ],
  usageScripted: [{ steps: [{ type: 'text', text: 'hi' }], usage: { outputTokens: 42 } }],
};

describe('fake-anthropic streaming protocol (real SDK)', () => {
  const fake = useFakeAnthropic({ scenarios });

  let textAndTools: RawMessageStreamEvent[];
  beforeAll(async () => {
    textAndTools = await streamEvents(fake.client, userPrompt('[[scenario:textAndTools]] build it'));
  });

  it('emits the full Anthropic event sequence', () => {
    const types = eventTypes(textAndTools);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const blockEvents = textAndTools.filter(
      (e): e is Extract<RawMessageStreamEvent, { index: number }> => e.type.startsWith('content_block'),
    );
    const starts = blockEvents.filter((e) => e.type === 'content_block_start');
    const stops = blockEvents.filter((e) => e.type === 'content_block_stop');
    expect(starts.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(stops.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    // Blocks never interleave: each block's events sit between its start and stop.
    let open: number | undefined;
    for (const e of blockEvents) {
      if (e.type === 'content_block_start') {
        expect(open).toBeUndefined();
        open = e.index;
      } else {
        expect(e.index).toBe(open);
        if (e.type === 'content_block_stop') open = undefined;
      }
    }
  });

  it('describes the message in message_start like the real API', () => {
    const start = textAndTools[0];
    if (start.type !== 'message_start') throw new Error('expected message_start');
    expect(start.message).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null });
    expect(start.message.id).toMatch(/^msg_/);
    expect(start.message.usage).toMatchObject({ input_tokens: 321, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 });
  });

  it('streams text as text_delta and tool input as input_json_delta that parses to the input', () => {
    const text = textAndTools
      .filter((e) => e.type === 'content_block_delta' && e.index === 0)
      .map((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : ''))
      .join('');
    expect(text).toBe('Let me write that file.');
    const json = jsonByIndex(textAndTools);
    expect(JSON.parse(json.get(1) ?? '')).toEqual(WRITE_INPUT);
    const pieces = textAndTools.filter((e) => e.type === 'content_block_delta' && e.index === 1);
    expect(pieces.length).toBeGreaterThan(5);
  });

  it('starts tool_use blocks with an empty input and sends no json for an input-less tool', () => {
    const starts = textAndTools.flatMap((e) => (e.type === 'content_block_start' ? [e.content_block] : []));
    expect(starts[1]).toEqual({ type: 'tool_use', id: 'toolu_custom', name: 'write_file', input: {} });
    expect(starts[3]).toMatchObject({ type: 'tool_use', name: 'list_files', input: {} });
    expect((starts[3] as { id: string }).id).toMatch(/^toolu_01[0-9A-Za-z]{22}$/);
    expect(jsonByIndex(textAndTools).has(3)).toBe(false);
  });

  it('reports stop_reason tool_use and cumulative usage in message_delta', () => {
    const delta = textAndTools.find((e) => e.type === 'message_delta');
    if (delta?.type !== 'message_delta') throw new Error('expected message_delta');
    expect(delta.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    const emitted = textAndTools.reduce((sum, e) => {
      if (e.type !== 'content_block_delta') return sum;
      const d = e.delta;
      return sum + (d.type === 'text_delta' ? d.text.length : d.type === 'input_json_delta' ? d.partial_json.length : 0);
    }, 0);
    expect(delta.usage.output_tokens).toBe(Math.ceil(emitted / 4));
    expect(delta.usage).toMatchObject({ input_tokens: 321, cache_read_input_tokens: 100, cache_creation_input_tokens: 7 });
  });

  it('uses scripted output_tokens when given, and end_turn for text-only turns', async () => {
    const events = await streamEvents(fake.client, userPrompt('[[scenario:usageScripted]]'));
    const start = events[0];
    const delta = events.find((e) => e.type === 'message_delta');
    if (start.type !== 'message_start' || delta?.type !== 'message_delta') throw new Error('bad sequence');
    expect(start.message.usage.output_tokens).toBeLessThanOrEqual(delta.usage.output_tokens);
    expect(delta.usage.output_tokens).toBe(42);
    expect(delta.delta.stop_reason).toBe('end_turn');
    // Default input estimate comes from the request size.
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('sends rawJson verbatim, even when malformed', async () => {
    const events = await streamEvents(fake.client, userPrompt('[[scenario:rawJson]]'));
    expect(jsonByIndex(events).get(0)).toBe('{"path": "a.txt", "content": "unterminated');
    const chunks = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' ? [e.delta.partial_json] : []));
    expect(chunks.slice(0, -1).every((c) => c.length === 5)).toBe(true);
  });

  it('ends a cut block without content_block_stop and finishes with max_tokens', async () => {
    const events = await streamEvents(fake.client, userPrompt('[[scenario:cut]]'));
    const stops = events.flatMap((e) => (e.type === 'content_block_stop' ? [e.index] : []));
    expect(stops).toEqual([0, 1]);
    expect(events.some((e) => e.type === 'content_block_start' && e.index === 2)).toBe(true);
    expect(events.some((e) => e.type === 'content_block_start' && e.index === 3)).toBe(false);
    const partial = jsonByIndex(events).get(2) ?? '';
    expect(partial.length).toBeGreaterThan(0);
    expect(() => JSON.parse(partial)).toThrow();
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta?.type === 'message_delta' && delta.delta.stop_reason).toBe('max_tokens');
    expect(events[events.length - 1].type).toBe('message_stop');
  });

  it('streams thinking, redacted_thinking, server_tool_use and web_search_tool_result', async () => {
    const events = await streamEvents(fake.client, userPrompt('[[scenario:thinking]]'));
    const starts = events.flatMap((e) => (e.type === 'content_block_start' ? [e.content_block] : []));
    expect(starts.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(starts[0]).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(starts[1]).toEqual({ type: 'redacted_thinking', data: 'EncryptedBlob==' });
    expect(starts[2]).toEqual({ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} });
    expect(starts[3]).toMatchObject({ type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1' });

    const thinkingDeltas = events.flatMap((e) => (e.type === 'content_block_delta' && e.index === 0 ? [e.delta] : []));
    expect(thinkingDeltas[thinkingDeltas.length - 1]).toEqual({ type: 'signature_delta', signature: 'sig-abc123' });
    expect(thinkingDeltas.filter((d) => d.type === 'signature_delta')).toHaveLength(1);
    expect(thinkingDeltas.map((d) => (d.type === 'thinking_delta' ? d.thinking : '')).join('')).toBe('The user wants the weather. I should search.');
    expect(events.some((e) => e.type === 'content_block_delta' && (e.index === 1 || e.index === 3))).toBe(false);
    expect(JSON.parse(jsonByIndex(events).get(2) ?? '')).toEqual({ query: 'weather paris' });
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta?.type === 'message_delta' && delta.delta.stop_reason).toBe('end_turn');
  });

  it("assembles into the expected final message with the SDK's MessageStream helper", async () => {
    const message = await fake.client.messages.stream({ model: MODEL, max_tokens: 1024, messages: userPrompt('[[scenario:thinking]]') }).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result', 'text']);
    expect(message.content[0]).toMatchObject({ thinking: 'The user wants the weather. I should search.', signature: 'sig-abc123' });
    expect(message.content[2]).toMatchObject({ input: { query: 'weather paris' } });
    expect(message.content[4]).toMatchObject({ text: 'It is sunny.' });
    expect(message.stop_reason).toBe('end_turn');

    const tools = await fake.client.messages.stream({ model: MODEL, max_tokens: 1024, messages: userPrompt('[[scenario:textAndTools]]') }).finalMessage();
    expect(tools.content[1]).toMatchObject({ type: 'tool_use', input: WRITE_INPUT });
    expect(tools.content[3]).toMatchObject({ type: 'tool_use', name: 'list_files', input: {} });
  });

  it('answers stream:false with the complete message JSON', async () => {
    const message = await fake.client.messages.create({ model: MODEL, max_tokens: 1024, messages: userPrompt('[[scenario:textAndTools]]') });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Let me write that file.' },
        { type: 'tool_use', id: 'toolu_custom', name: 'write_file', input: WRITE_INPUT },
        { type: 'text', text: 'And list the files.' },
        { type: 'tool_use', name: 'list_files', input: {} },
      ],
    });
  });
});
