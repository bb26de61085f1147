/** One server-sent event as the spec's parser dispatches it. */
export interface SseMessage {
  /** `message` when the server named none. */
  event: string;
  data: string;
  /** The last event id seen so far on this stream (it carries over to events without one). */
  id: string;
}

/**
 * A streaming text/event-stream parser (WHATWG HTML, "Interpreting an event stream"), fed chunks of
 * decoded text as they arrive. Written here rather than taken from eventsource-parser because that
 * package is ESM-only, which the CommonJS build and test setup of this project cannot load.
 * Comments and `retry` are skipped; CR, LF and CRLF all end lines, even split across chunks.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private lastId = '';
  private sawData = false;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone CR at the end may be the first half of a CRLF: wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    const message = { event: this.event || 'message', data: this.data.join('\n'), id: this.lastId };
    const send = this.sawData;
    this.data = [];
    this.event = '';
    this.sawData = false;
    if (send) this.onMessage(message);
  }
}
