import type { GenerationEvent } from '../shared/events';
import type { EventPage } from '../shared/event-log';
import type { GenerationState } from '../shared/state';

/**
 * The text/event-stream wire format, written by hand: it is three field lines per event, and a
 * library would add a dependency for what JSON.stringify already makes safe (it never emits a raw
 * newline, so every `data` value is one line).
 */
export function eventFrame(event: GenerationEvent): string {
  let frame = framed.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    framed.set(event, frame);
  }
  return frame;
}

/**
 * Every stream of a generation reads the same event objects from the reader's mirror: each is
 * serialized once, not once per subscriber (1,000 subscribers made JSON.stringify the API's main cost).
 * Events are never changed after they are appended, and the entry goes with the event.
 */
const framed = new WeakMap<GenerationEvent, string>();

/** The state to fold the following events onto, for a client behind the buffer; its id is the seq it stands at. */
export function snapshotFrame(state: GenerationState): string {
  return `id: ${state.lastSeq}\nevent: snapshot\ndata: ${JSON.stringify(state)}\n\n`;
}

/** A comment line: ignored by clients, it keeps proxies and idle timers from closing a quiet stream. */
export const keepAliveFrame = ': keep-alive\n\n';

/** How long an EventSource waits before reconnecting after the connection drops (the browser default is ~3 s). */
export const retryFrame = (ms: number): string => `retry: ${ms}\n\n`;

/** What a page adds to a stream standing at some cursor: the frames to write in one go, and the cursor after them. */
export interface StreamChunk {
  text: string;
  cursor: number;
}

/**
 * The frames of `page` after `cursor` (a snapshot first when the page has a gap), joined into one
 * string: one write per subscriber per page instead of one per event. Subscribers woken together at
 * the same cursor get the same page object (GenerationFollowers), so the string is joined once.
 */
export function streamChunk(page: EventPage, cursor: number): StreamChunk {
  const cached = chunks.get(page);
  if (cached?.from === cursor) return cached.chunk;
  let text = '';
  let at = cursor;
  if (page.gap && page.state) {
    text += snapshotFrame(page.state);
    at = page.state.lastSeq;
  }
  for (const event of page.events) {
    if (event.seq <= at) continue;
    text += eventFrame(event);
    at = event.seq;
  }
  const chunk = { text, cursor: at };
  chunks.set(page, { from: cursor, chunk });
  return chunk;
}

const chunks = new WeakMap<EventPage, { from: number; chunk: StreamChunk }>();
