import type { GenerationEvent } from '../shared/events';
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
