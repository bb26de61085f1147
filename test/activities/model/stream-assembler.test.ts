import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { readFileSync } from 'fs';
import { join } from 'path';
import { StreamAssembler, type AssembledTurn, type CompletedToolUse } from '../../../src/activities/model/stream-assembler';

const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'sse');

// Chunk sizes that split SSE frames mid-line and the multi-byte characters in the fixtures
// ("wörld", "—"); `undefined` hands the SDK the whole body at once.
const CHUNKINGS: Array<[string, number | undefined]> = [
  ['whole body', undefined],
  ['1-byte chunks', 1],
  ['7-byte chunks', 7],
  ['61-byte chunks', 61],
];

function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURE_DIR, `${name}.sse`)));
}

function sseResponse(bytes: Uint8Array, chunkSize: number | undefined): Response {
  const headers = { 'content-type': 'text/event-stream' };
  if (chunkSize === undefined) return new Response(bytes, { headers });
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return new Response(body, { headers });
}

/** The events a live response with these bytes would yield, decoded by the SDK's own SSE parser. */
async function sdkEvents(bytes: Uint8Array, chunkSize?: number): Promise<RawMessageStreamEvent[]> {
  const events: RawMessageStreamEvent[] = [];
  for await (const event of Stream.fromSSEResponse<RawMessageStreamEvent>(sseResponse(bytes, chunkSize), new AbortController())) {
    events.push(event);
  }
  return events;
}

type ListenerCall =
  | { kind: 'text'; text: string; eventIndex: number }
  | { kind: 'tool'; toolUse: CompletedToolUse; eventIndex: number; toolIdsInContent: string[] }
  | { kind: 'block'; blockType: string; eventIndex: number }
  | { kind: 'thinking'; text: string; eventIndex: number };

interface Replay {
  assembler: StreamAssembler;
  calls: ListenerCall[];
  events: RawMessageStreamEvent[];
}

/**
 * Feeds events one at a time and notes which event was being handled when each callback fired,
 * so a test can tell a tool reported during its own content_block_stop from one reported later.
 */
function replay(events: RawMessageStreamEvent[]): Replay {
  const calls: ListenerCall[] = [];
  let eventIndex = -1;
  const assembler: StreamAssembler = new StreamAssembler({
    onText: (text) => calls.push({ kind: 'text', text, eventIndex }),
    onToolUse: (toolUse) => calls.push({ kind: 'tool', toolUse, eventIndex, toolIdsInContent: toolIds(assembler.result({ includeOpenText: true })) }),
    onBlockStart: (blockType) => calls.push({ kind: 'block', blockType, eventIndex }),
    onThinking: (text) => calls.push({ kind: 'thinking', text, eventIndex }),
  });
  events.forEach((event, i) => {
    eventIndex = i;
    assembler.handle(event);
  });
  return { assembler, calls, events };
}

async function replayFixture(name: string, chunkSize?: number): Promise<Replay> {
  return replay(await sdkEvents(fixtureBytes(name), chunkSize));
}

function textCalls(calls: ListenerCall[]): string[] {
  return calls.flatMap((call) => (call.kind === 'text' ? [call.text] : []));
}

function toolCalls(calls: ListenerCall[]): Array<Extract<ListenerCall, { kind: 'tool' }>> {
  return calls.flatMap((call) => (call.kind === 'tool' ? [call] : []));
}

/** Indexes (in the event list) of the content_block_stop events that close a client tool_use block. */
function toolStopEventIndexes(events: RawMessageStreamEvent[]): number[] {
  const toolBlocks = new Set(events.flatMap((e) => (e.type === 'content_block_start' && e.content_block.type === 'tool_use' ? [e.index] : [])));
  return events.flatMap((e, i) => (e.type === 'content_block_stop' && toolBlocks.has(e.index) ? [i] : []));
}

function toolIds(turn: AssembledTurn): string[] {
  return turn.content.flatMap((block) => (block.type === 'tool_use' ? [block.id] : []));
}

function contentTypes(turn: AssembledTurn): string[] {
  return turn.content.map((block) => block.type);
}

const APP_JS = 'const greet = (name) => `Hello, ${name}!`;\nconsole.log(greet("wörld"));\n';
const TEXT_AND_TOOL_TEXT_1 = "I'll create the script first, then look at the project layout.";
const TEXT_AND_TOOL_TEXT_2 = 'Now the file list:';
const THINKING_TEXT = 'The user asks about the current Node.js LTS. That changes over time, so I should search instead of guessing.';
const THINKING_SIGNATURE = 'EqQBCkYIBRgCIkBg5pZ3ek0pOVFrrvAX9p4b0pX8zFRDIfyGc3ZdG1EhYW0mFq7l7Bg8yZbE0nY5F8V2ZC0fX6mQ1p0Jc0bTz9sQEgw0l9oX';
const REDACTED_DATA = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YsVk6ptgS7p5yOjKpCr6y2ZJgjBt6yy0ctV/xa+7ql0KhSbNYBzuKw==';
const SEARCH_ID = 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE';
const ANSWER_TEXT = 'According to the Node.js release page, the current LTS line is listed under "Active LTS" — check it for the exact version.';

describe('StreamAssembler on recorded transcripts', () => {
  describe.each(CHUNKINGS)('text-and-tool.sse, %s', (_label, chunkSize) => {
    test('text pieces arrive in order and concatenate to the turn text', async () => {
      const { assembler, calls } = await replayFixture('text-and-tool', chunkSize);
      const turn = assembler.result();
      expect(textCalls(calls).join('')).toBe(TEXT_AND_TOOL_TEXT_1 + TEXT_AND_TOOL_TEXT_2);
      expect(turn.text).toBe(TEXT_AND_TOOL_TEXT_1 + TEXT_AND_TOOL_TEXT_2);
    });

    test('each tool is reported while its content_block_stop is handled, with the multi-byte input intact', async () => {
      const { calls, events } = await replayFixture('text-and-tool', chunkSize);
      const tools = toolCalls(calls);
      expect(tools.map((call) => call.eventIndex)).toEqual(toolStopEventIndexes(events));
      // The first report happens before any event of the later blocks is handled.
      const firstLaterText = calls.findIndex((call) => call.kind === 'text' && call.text.startsWith('Now'));
      expect(calls.indexOf(tools[0])).toBeLessThan(firstLaterText);
      expect(tools.map((call) => call.toolUse)).toEqual([
        {
          id: 'toolu_014npx00Jx7xII9uX037TEyF',
          name: 'write_file',
          input: { path: 'src/app.js', content: APP_JS },
          parseError: null,
          rawJson: JSON.stringify({ path: 'src/app.js', content: APP_JS }),
        },
        { id: 'toolu_01tUpodmhjXIGkNvbrto4bcH', name: 'list_files', input: {}, parseError: null, rawJson: '' },
      ]);
    });

    test('the assembled turn has every block in order, usage from message_start and the last message_delta', async () => {
      const { assembler, calls } = await replayFixture('text-and-tool', chunkSize);
      const turn = assembler.result();
      expect(calls.flatMap((call) => (call.kind === 'block' ? [call.blockType] : []))).toEqual(['text', 'tool_use', 'text', 'tool_use']);
      expect(turn.content).toEqual([
        { type: 'text', text: TEXT_AND_TOOL_TEXT_1 },
        { type: 'tool_use', id: 'toolu_014npx00Jx7xII9uX037TEyF', name: 'write_file', input: { path: 'src/app.js', content: APP_JS } },
        { type: 'text', text: TEXT_AND_TOOL_TEXT_2 },
        { type: 'tool_use', id: 'toolu_01tUpodmhjXIGkNvbrto4bcH', name: 'list_files', input: {} },
      ]);
      expect(turn.usage).toEqual({ inputTokens: 1180, outputTokens: 48, cacheReadInputTokens: 950, cacheCreationInputTokens: 0 });
      expect(turn.stopReason).toBe('tool_use');
      expect(turn.sawMessageStop).toBe(true);
      expect(turn.toolUses.map((t) => t.id)).toEqual(['toolu_014npx00Jx7xII9uX037TEyF', 'toolu_01tUpodmhjXIGkNvbrto4bcH']);
    });
  });

  describe.each(CHUNKINGS)('thinking-and-server-tool.sse, %s', (_label, chunkSize) => {
    test('thinking deltas are reported as they stream, apart from the text', async () => {
      const { calls } = await replayFixture('thinking-and-server-tool', chunkSize);
      expect(calls.flatMap((call) => (call.kind === 'thinking' ? [call.text] : [])).join('')).toBe(THINKING_TEXT);
      expect(textCalls(calls).join('')).not.toContain(THINKING_TEXT);
    });

    test('thinking keeps its text and signature exactly, and server blocks pass through', async () => {
      const { assembler } = await replayFixture('thinking-and-server-tool', chunkSize);
      const turn = assembler.result();
      expect(contentTypes(turn)).toEqual(['thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result', 'text']);
      expect(turn.content[0]).toEqual({ type: 'thinking', thinking: THINKING_TEXT, signature: THINKING_SIGNATURE });
      expect(turn.content[1]).toEqual({ type: 'redacted_thinking', data: REDACTED_DATA });
      expect(turn.content[2]).toEqual({ type: 'server_tool_use', id: SEARCH_ID, name: 'web_search', input: { query: 'Node.js current LTS version' } });
      expect(turn.content[3]).toEqual({
        type: 'web_search_tool_result',
        tool_use_id: SEARCH_ID,
        content: [
          {
            type: 'web_search_result',
            title: 'Node.js — Previous Releases',
            url: 'https://nodejs.org/en/about/previous-releases',
            encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y',
            page_age: '3 days ago',
          },
          {
            type: 'web_search_result',
            title: 'Node.js Release Schedule',
            url: 'https://github.com/nodejs/release',
            encrypted_content: 'Ev0DCioIARgBIiQ1ZWU0YTg4ZS0xNGM4LTQ2ZTItOGI2NC05YWU3Njc4YjEwOGYSD',
            page_age: null,
          },
        ],
      });
      expect(turn.content[4]).toEqual({ type: 'text', text: ANSWER_TEXT });
    });

    test('the server tool is never reported as a client tool call, and thinking is not text', async () => {
      const { assembler, calls } = await replayFixture('thinking-and-server-tool', chunkSize);
      const turn = assembler.result();
      expect(toolCalls(calls)).toEqual([]);
      expect(turn.toolUses).toEqual([]);
      expect(textCalls(calls).join('')).toBe(ANSWER_TEXT);
      expect(turn.text).toBe(ANSWER_TEXT);
      expect(calls.flatMap((call) => (call.kind === 'block' ? [call.blockType] : []))).toEqual([
        'thinking',
        'redacted_thinking',
        'server_tool_use',
        'web_search_tool_result',
        'text',
      ]);
      expect(turn.usage).toEqual({ inputTokens: 2045, outputTokens: 212, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 });
      expect(turn.stopReason).toBe('end_turn');
      expect(turn.sawMessageStop).toBe(true);
    });
  });

  describe.each(CHUNKINGS)('max-tokens-cut.sse, %s', (_label, chunkSize) => {
    test('the cut tool is never reported and is left out of the content; the complete one is kept', async () => {
      const { assembler, calls } = await replayFixture('max-tokens-cut', chunkSize);
      const turn = assembler.result();
      const complete = { path: 'config.json', content: '{\n  "debug": true\n}\n' };
      expect(toolCalls(calls).map((call) => call.toolUse.id)).toEqual(['toolu_01Rh7KgN6sE04UwgTYjnEuJn']);
      expect(turn.toolUses).toEqual([
        { id: 'toolu_01Rh7KgN6sE04UwgTYjnEuJn', name: 'write_file', input: complete, parseError: null, rawJson: JSON.stringify(complete) },
      ]);
      expect(turn.content).toEqual([
        { type: 'text', text: 'Writing the config and the data file.' },
        { type: 'tool_use', id: 'toolu_01Rh7KgN6sE04UwgTYjnEuJn', name: 'write_file', input: complete },
      ]);
      expect(turn.stopReason).toBe('max_tokens');
      expect(turn.usage).toEqual({ inputTokens: 860, outputTokens: 32, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 });
      expect(turn.sawMessageStop).toBe(true);
    });
  });

  describe.each(CHUNKINGS)('invalid-tool-json.sse, %s', (_label, chunkSize) => {
    test('malformed JSON is reported with a parse error and an empty input, and the next tool still parses', async () => {
      const { assembler, calls, events } = await replayFixture('invalid-tool-json', chunkSize);
      const tools = toolCalls(calls);
      expect(tools.map((call) => call.eventIndex)).toEqual(toolStopEventIndexes(events));
      const [bad, good] = tools.map((call) => call.toolUse);
      expect(bad).toMatchObject({
        id: 'toolu_01lbdfsd0RT16D07csTAcnvg',
        name: 'write_file',
        input: {},
        rawJson: '{"path": "notes.txt", "content": "first line\\nsecond line",}',
      });
      expect(bad.parseError).toMatch(/^tool input is not valid JSON \(.+\)$/);
      expect(good).toEqual({
        id: 'toolu_01ldHbRhe4UtuqQBzyEVjhsm',
        name: 'read_file',
        input: { path: 'notes.txt' },
        parseError: null,
        rawJson: '{"path":"notes.txt"}',
      });
      const turn = assembler.result();
      // The broken call stays in the content: the workflow answers it with an is_error tool_result.
      expect(turn.content).toEqual([
        { type: 'tool_use', id: 'toolu_01lbdfsd0RT16D07csTAcnvg', name: 'write_file', input: {} },
        { type: 'tool_use', id: 'toolu_01ldHbRhe4UtuqQBzyEVjhsm', name: 'read_file', input: { path: 'notes.txt' } },
      ]);
      expect(turn.text).toBe('');
      expect(turn.usage).toEqual({ inputTokens: 640, outputTokens: 20, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 });
    });
  });

  // The activity heartbeats its partial turn from inside onToolUse; that snapshot must already
  // hold the reported block, or a resumed attempt would commit a tool call without its tool_use.
  test('when a tool is reported its block is already part of the content, later tools are not', async () => {
    const { calls } = await replayFixture('text-and-tool');
    expect(toolCalls(calls).map((call) => call.toolIdsInContent)).toEqual([
      ['toolu_014npx00Jx7xII9uX037TEyF'],
      ['toolu_014npx00Jx7xII9uX037TEyF', 'toolu_01tUpodmhjXIGkNvbrto4bcH'],
    ]);
  });

  test('includeOpenText keeps a text block cut off mid-stream, default result leaves it out', async () => {
    const events = await sdkEvents(fixtureBytes('max-tokens-cut'));
    const textStop = events.findIndex((e) => e.type === 'content_block_stop' && e.index === 0);
    // Drop the stop and the last three deltas ("ata ", "file", ".").
    const { assembler } = replay(events.slice(0, textStop - 3));
    const partialText = 'Writing the config and the d';
    expect(assembler.result().content).toEqual([]);
    expect(assembler.result({ includeOpenText: true }).content).toEqual([{ type: 'text', text: partialText }]);
    expect(assembler.result().text).toBe(partialText);
  });

  test('includeOpenText never keeps an unclosed tool_use', async () => {
    const { assembler } = await replayFixture('max-tokens-cut');
    const withOpen = assembler.result({ includeOpenText: true });
    expect(withOpen.content.map((block) => (block.type === 'tool_use' ? block.id : block.type))).toEqual(['text', 'toolu_01Rh7KgN6sE04UwgTYjnEuJn']);
    expect(withOpen.toolUses).toHaveLength(1);
  });

  test('includeOpenText never keeps an unclosed thinking block (its signature comes last)', async () => {
    const events = await sdkEvents(fixtureBytes('thinking-and-server-tool'));
    const signatureAt = events.findIndex((e) => e.type === 'content_block_delta' && e.delta.type === 'signature_delta');
    const { assembler } = replay(events.slice(0, signatureAt + 1));
    expect(assembler.result({ includeOpenText: true }).content).toEqual([]);
  });

  test('a stream cut before message_stop says so', async () => {
    const events = await sdkEvents(fixtureBytes('text-and-tool'));
    const { assembler } = replay(events.slice(0, -1));
    expect(assembler.result().sawMessageStop).toBe(false);
    expect(assembler.result().stopReason).toBe('tool_use');
  });
});

// Hand-built events for cases the recorded transcripts do not contain. The SDK types demand
// full objects (a whole Message in message_start); these carry only what the assembler reads.
function raw(event: object): RawMessageStreamEvent {
  return event as RawMessageStreamEvent;
}
const messageStart = (usage: object) => raw({ type: 'message_start', message: { id: 'msg_x', type: 'message', role: 'assistant', content: [], usage } });
const blockStart = (index: number, block: object) => raw({ type: 'content_block_start', index, content_block: block });
const textDelta = (index: number, text: string) => raw({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
const jsonDelta = (index: number, json: string) => raw({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } });
const blockStop = (index: number) => raw({ type: 'content_block_stop', index });
const messageDelta = (stopReason: string | null, usage: object) => raw({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage });

function toolBlock(index: number, id: string, jsonPieces: string[]): RawMessageStreamEvent[] {
  return [blockStart(index, { type: 'tool_use', id, name: 'write_file', input: {} }), ...jsonPieces.map((json) => jsonDelta(index, json)), blockStop(index)];
}

describe('StreamAssembler on hand-built events', () => {
  test('a text block that stays blank is dropped from the content, even with includeOpenText', () => {
    const { assembler, calls } = replay([
      blockStart(0, { type: 'text', text: '' }),
      textDelta(0, '  \n'),
      blockStop(0),
      ...toolBlock(1, 'toolu_a', ['{"path":"a"}']),
      blockStart(2, { type: 'text', text: '' }),
    ]);
    expect(contentTypes(assembler.result())).toEqual(['tool_use']);
    expect(contentTypes(assembler.result({ includeOpenText: true }))).toEqual(['tool_use']);
    // The blank delta was still streamed text: the listener and the turn text saw it.
    expect(textCalls(calls)).toEqual(['  \n']);
  });

  test('citations_delta events are appended to the text block in order', () => {
    const first = { type: 'char_location', cited_text: 'alpha', document_index: 0, document_title: 'doc', start_char_index: 0, end_char_index: 5 };
    const second = { type: 'char_location', cited_text: 'beta', document_index: 0, document_title: 'doc', start_char_index: 6, end_char_index: 10 };
    const citation = (c: object) => raw({ type: 'content_block_delta', index: 0, delta: { type: 'citations_delta', citation: c } });
    const { assembler } = replay([blockStart(0, { type: 'text', text: '', citations: null }), citation(first), textDelta(0, 'Alpha'), citation(second), blockStop(0)]);
    expect(assembler.result().content).toEqual([{ type: 'text', text: 'Alpha', citations: [first, second] }]);
  });

  test('tool input that is a JSON array is reported with a parse error naming the array', () => {
    const { calls } = replay(toolBlock(0, 'toolu_a', ['[1,', ' 2]']));
    expect(toolCalls(calls).map((call) => call.toolUse)).toEqual([
      { id: 'toolu_a', name: 'write_file', input: {}, parseError: 'tool input must be a JSON object, got an array', rawJson: '[1, 2]' },
    ]);
  });

  test.each([
    ['a JSON string', '"write it"'],
    ['JSON null', 'null'],
    ['a number', '42'],
  ])('tool input that is %s is reported with a parse error and an empty input', (_label, json) => {
    const { assembler, calls } = replay(toolBlock(0, 'toolu_a', [json.slice(0, 2), json.slice(2)]));
    const reported = toolCalls(calls).map((call) => call.toolUse);
    expect(reported).toEqual([{ id: 'toolu_a', name: 'write_file', input: {}, parseError: expect.stringMatching(/^tool input must be a JSON object, got /), rawJson: json }]);
    expect(assembler.result().content).toEqual([{ type: 'tool_use', id: 'toolu_a', name: 'write_file', input: {} }]);
  });

  test('whitespace-only JSON counts as no input, not as a parse error', () => {
    const { calls } = replay(toolBlock(0, 'toolu_a', [' ', '\n']));
    expect(toolCalls(calls).map((call) => [call.toolUse.input, call.toolUse.parseError])).toEqual([[{}, null]]);
  });

  test('message_delta usage is cumulative: a number replaces, a null or missing field keeps the message_start value', () => {
    const { assembler } = replay([
      messageStart({ input_tokens: 100, output_tokens: 1, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 }),
      messageDelta(null, { input_tokens: 120, output_tokens: 40 }),
      messageDelta(null, { input_tokens: null, output_tokens: 55 }),
      messageDelta('end_turn', { cache_read_input_tokens: 35 }),
    ]);
    expect(assembler.result().usage).toEqual({ inputTokens: 120, outputTokens: 55, cacheReadInputTokens: 35, cacheCreationInputTokens: 5 });
  });

  test('a message_delta without a stop reason keeps the one already seen', () => {
    const { assembler } = replay([messageDelta('tool_use', { output_tokens: 3 }), messageDelta(null, { output_tokens: 4 })]);
    expect(assembler.result().stopReason).toBe('tool_use');
  });

  test('a repeated content_block_stop reports its tool only once', () => {
    const { assembler, calls } = replay([...toolBlock(0, 'toolu_a', ['{}']), blockStop(0)]);
    expect(toolCalls(calls)).toHaveLength(1);
    expect(assembler.result().toolUses).toHaveLength(1);
  });

  test('a tool_use id repeated within the response gets an id of its own, in the call and the content', () => {
    const { assembler, calls } = replay([...toolBlock(0, 'call_0', ['{}']), ...toolBlock(1, 'call_0', ['{}']), ...toolBlock(2, 'call_0', ['{}'])]);
    expect(toolCalls(calls).map((call) => [call.toolUse.id, call.toolUse.modelId])).toEqual([
      ['call_0', undefined],
      ['call_0_2', 'call_0'],
      ['call_0_3', 'call_0'],
    ]);
    expect(assembler.result().content.map((block) => block.type === 'tool_use' && block.id)).toEqual(['call_0', 'call_0_2', 'call_0_3']);
  });

  test('deltas and stops for a block that never started are ignored', () => {
    const { assembler, calls } = replay([textDelta(3, 'ghost'), jsonDelta(4, '{}'), blockStop(4)]);
    expect(calls).toEqual([]);
    expect(assembler.result()).toMatchObject({ content: [], text: '', toolUses: [] });
  });

  test('event types the assembler does not know are skipped without throwing', () => {
    const { assembler } = replay([raw({ type: 'ping' }), raw({ type: 'some_future_event', index: 0 }), blockStart(0, { type: 'text', text: '' }), textDelta(0, 'ok'), blockStop(0)]);
    expect(assembler.result().content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  test('content is ordered by block index, not by the order blocks stopped', () => {
    const { assembler } = replay([
      blockStart(1, { type: 'text', text: '' }),
      textDelta(1, 'second'),
      blockStart(0, { type: 'text', text: '' }),
      textDelta(0, 'first'),
      blockStop(1),
      blockStop(0),
    ]);
    expect(assembler.result().content).toEqual([
      { type: 'text', text: 'first' },
      { type: 'text', text: 'second' },
    ]);
  });
});
