import { commitPartialTurn, preferredPartialTurn, readPartialTurn, type PartialTurn } from '../../src/shared/partial-turn';
import type { ContentBlockParam, DetectedToolCall } from '../../src/shared/model-turn';

function call(id: string): DetectedToolCall {
  return { id, name: 'write_file', input: { path: `${id}.txt`, content: 'x' }, summary: `${id}.txt`, resourceKey: `${id}.txt`, rejection: null, detectedAt: '2026-03-01T12:00:00.000Z' };
}

function toolUse(id: string): ContentBlockParam {
  return { type: 'tool_use', id, name: 'write_file', input: { path: `${id}.txt`, content: 'x' } };
}

const thinking: ContentBlockParam = { type: 'thinking', thinking: 'Two files are needed.', signature: 'sig-abc' };
const text: ContentBlockParam = { type: 'text', text: 'Writing both files.' };

function partial(overrides: Partial<PartialTurn> = {}): PartialTurn {
  return {
    streamAttempt: 2,
    content: [thinking, text, toolUse('a'), toolUse('b')],
    toolCalls: [call('a')],
    text: 'Writing both files.',
    usage: { inputTokens: 500, outputTokens: 80, cacheReadInputTokens: 100, cacheCreationInputTokens: 0 },
    ...overrides,
  };
}

describe('commitPartialTurn', () => {
  test('keeps thinking, text and dispatched tool calls, drops tool_use blocks nobody dispatched', () => {
    const turn = commitPartialTurn(partial(), 0.0123, 'stream reset');
    // "b" would need a tool_result the workflow can never produce: it was never handed over.
    expect(turn.content).toEqual([thinking, text, toolUse('a')]);
    expect(turn.toolCalls).toEqual([call('a')]);
  });

  test('ends the turn as a tool_use turn carrying the interruption, usage, cost and the attempt that streamed it', () => {
    const turn = commitPartialTurn(partial(), 0.0123, 'The model stream sent nothing for 60000 ms');
    expect(turn).toMatchObject({
      streamAttempt: 2,
      stopReason: 'tool_use',
      interruption: 'The model stream sent nothing for 60000 ms',
      costUsd: 0.0123,
      text: 'Writing both files.',
      usage: { inputTokens: 500, outputTokens: 80, cacheReadInputTokens: 100, cacheCreationInputTokens: 0 },
    });
    expect(Number.isNaN(Date.parse(turn.streamEndedAt))).toBe(false);
  });

  test('keeps non-client blocks such as server_tool_use, which need no tool_result from us', () => {
    const serverTool: ContentBlockParam = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'node lts' } };
    const turn = commitPartialTurn(partial({ content: [serverTool, toolUse('a'), toolUse('x')] }), 0, 'cut');
    expect(turn.content).toEqual([serverTool, toolUse('a')]);
  });

  test('does not change the partial turn it was given', () => {
    const input = partial();
    const before = structuredClone(input);
    commitPartialTurn(input, 0, 'cut');
    expect(input).toEqual(before);
  });
});

describe('readPartialTurn', () => {
  test.each([
    ['undefined', undefined],
    ['null', null],
    ['an object without toolCalls', { streamAttempt: 1, content: [] }],
    ['toolCalls that is not an array', { ...partial(), toolCalls: 'a' }],
    ['an empty toolCalls list', partial({ toolCalls: [] })],
  ])('rejects %s: there is nothing to resume', (_label, details) => {
    expect(readPartialTurn(details)).toBeUndefined();
  });

  test('returns a heartbeated partial turn that handed over at least one call', () => {
    const heartbeat = JSON.parse(JSON.stringify(partial())) as unknown;
    expect(readPartialTurn(heartbeat)).toEqual(partial());
  });
});

describe('preferredPartialTurn', () => {
  const received = (ids: string[], streamAttempt = 2): PartialTurn => partial({ streamAttempt, toolCalls: ids.map(call), content: ids.map(toolUse), usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 } });

  test('with nothing received by the workflow, the heartbeat (if any) decides', () => {
    expect(preferredPartialTurn(undefined, null)).toBeUndefined();
    expect(preferredPartialTurn(partial(), received([]))).toEqual(partial());
  });

  test('a heartbeat covering every call the workflow has is preferred: it also holds thinking and usage', () => {
    expect(preferredPartialTurn(partial(), received(['a']))).toEqual(partial());
  });

  test('the workflow wins when the heartbeat lags behind it or is of another attempt', () => {
    expect(preferredPartialTurn(partial(), received(['a', 'b']))).toEqual(received(['a', 'b']));
    expect(preferredPartialTurn(partial(), received(['a'], 3))).toEqual(received(['a'], 3));
    expect(preferredPartialTurn(undefined, received(['a']))).toEqual(received(['a']));
  });
});
