import { displayString } from './display-input';
import type { GenerationEventBody } from './events';

/**
 * Events carry what a person reads, not the data itself: a prompt, a message or an error can be
 * megabytes, and every event is held in the workflow and served to every client. Long strings are
 * cut here, where every event passes; the whole prompt and messages are in the transcript.
 */
export function boundEvent(body: GenerationEventBody): GenerationEventBody {
  switch (body.type) {
    case 'generation.started':
      return { ...body, prompt: displayString(body.prompt) };
    case 'message.received':
      return { ...body, text: displayString(body.text) };
    case 'tool.failed':
    case 'generation.failed':
    case 'generation.blocked':
      return { ...body, error: displayString(body.error) };
    case 'generation.cancelled':
    case 'tool.denied':
      return { ...body, reason: displayString(body.reason) };
    default:
      return body;
  }
}

/** Streamed text goes out in events of at most this many characters. */
export const maxTextDeltaChars = 4096;

/** Splits text into pieces no event has to exceed; the pieces joined are the text. */
export function textPieces(text: string): string[] {
  if (text.length <= maxTextDeltaChars) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += maxTextDeltaChars) pieces.push(text.slice(start, start + maxTextDeltaChars));
  return pieces;
}
