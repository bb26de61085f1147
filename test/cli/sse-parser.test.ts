import { SseParser, type SseMessage } from '../../src/cli/sse-parser';

function parse(chunks: string[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.feed(chunk);
  return messages;
}

test('parses id, event and data, skipping comments and retry', () => {
  const text = 'retry: 1000\n\n: keep-alive\n\nid: 1\nevent: text.delta\ndata: {"a":1}\n\nid: 2\ndata: plain\n\n';
  expect(parse([text])).toEqual([
    { id: '1', event: 'text.delta', data: '{"a":1}' },
    { id: '2', event: 'message', data: 'plain' },
  ]);
});

test('gives the same messages however the text is split, with CRLF, CR or LF line ends', () => {
  const text = 'id: 7\r\nevent: snapshot\r\ndata: line one\r\ndata:line two\r\n\r\nid: 8\revent: x\rdata: y\r\rdata: z\n\n';
  const whole = parse([text]);
  expect(whole).toEqual([
    { id: '7', event: 'snapshot', data: 'line one\nline two' },
    { id: '8', event: 'x', data: 'y' },
    { id: '8', event: 'message', data: 'z' },
  ]);
  for (let i = 1; i < text.length; i++) expect(parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
  expect(parse([...text])).toEqual(whole);
});

test('an event without data is not dispatched; an unfinished one waits for its blank line', () => {
  expect(parse(['event: nothing\n\n', 'id: 3\ndata: pending\n'])).toEqual([]);
});
