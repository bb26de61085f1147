import { EventLog, type EventPage } from '../shared/event-log';
import { foldEvents } from '../shared/reducer';
import { initialState, type GenerationState } from '../shared/state';

/** What applying one page of the workflow's log did to a local mirror of it. */
export type MirrorUpdate =
  | { kind: 'appended'; log: EventLog }
  | { kind: 'rebuilt'; log: EventLog }
  /** The page does not continue the mirror (the workflow's seq went back): read again from seq 0. */
  | { kind: 'restart' };

/**
 * Brings a mirror of a workflow's EventLog up to date with one page the workflow answered
 * (`eventsQuery` after the mirror's lastSeq). A page that continues the mirror is appended; a gap
 * page (the mirror fell behind the workflow's buffer) or the first page (no mirror yet, read after
 * seq 0) becomes a new log built as the workflow's own: its retained events on the state before them.
 */
export function applyPage(log: EventLog | undefined, page: EventPage, capacity: number): MirrorUpdate {
  if (page.gap) {
    if (!page.state) throw new Error('a gap page must carry the state before its events');
    return { kind: 'rebuilt', log: logFrom(page, page.state, capacity) };
  }
  if (!log) {
    if (page.events.length > 0 && page.events[0].seq !== 1) return { kind: 'restart' };
    return { kind: 'rebuilt', log: logFrom(page, initialState, capacity) };
  }
  if (page.lastSeq < log.state.lastSeq) return { kind: 'restart' };
  for (const event of page.events) {
    if (event.seq !== log.state.lastSeq + 1) return { kind: 'restart' };
    log.append(event, event.at);
  }
  return { kind: 'appended', log };
}

function logFrom(page: EventPage, baseState: GenerationState, capacity: number): EventLog {
  return new EventLog(capacity, { capacity, events: page.events, baseState, state: foldEvents(page.events, baseState) });
}
