import { EventLog, type EventPage } from '../../src/shared/event-log';
import type { GenerationEventBody } from '../../src/shared/events';
import { applyPage, type MirrorUpdate } from '../../src/server/mirror-page';
import { at, randomBodies, seededRandom } from '../shared/support/events';

/** A page as the reader receives it: through Temporal's JSON payloads, so nothing is shared with the source. */
function queried(source: EventLog, after: number, limit: number): EventPage {
  return JSON.parse(JSON.stringify(source.read(after, limit))) as EventPage;
}

/** What the reader does on a refresh: pages after the mirror's lastSeq until caught up. */
function pull(mirror: EventLog | undefined, source: EventLog, capacity: number, pageSize: number): { log: EventLog; kinds: MirrorUpdate['kind'][] } {
  const kinds: MirrorUpdate['kind'][] = [];
  let log = mirror;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = queried(source, log?.state.lastSeq ?? 0, pageSize);
    const update = applyPage(log, page, capacity);
    kinds.push(update.kind);
    if (update.kind === 'restart') {
      log = undefined;
      continue;
    }
    log = update.log;
    if (log.state.lastSeq >= page.lastSeq) return { log, kinds };
  }
  throw new Error('pull never caught up');
}

/** Same state, and the same page at every cursor (compared as JSON: deep equality at every cursor is slow). */
function expectSameReads(mirror: EventLog, source: EventLog, limit: number): void {
  expect(mirror.state).toEqual(source.state);
  const reads = (log: EventLog): string[] =>
    Array.from({ length: source.state.lastSeq + 2 }, (_, after) => JSON.stringify(log.read(after, limit)));
  expect(reads(mirror)).toEqual(reads(source));
}

describe('a mirror kept up to date by pages', () => {
  test.each([1, 2, 3, 4, 5])('reads exactly as the workflow log at every cursor, however far it falls behind (seed %p)', (seed) => {
    const random = seededRandom(seed);
    const capacity = 5 + Math.floor(random() * 20);
    const pageSize = 1 + Math.floor(random() * 30);
    const bodies = randomBodies(random, 200);
    const source = new EventLog(capacity);
    let mirror: EventLog | undefined;
    const kinds = new Set<string>();
    let appended = 0;
    while (appended < bodies.length) {
      // Between refreshes the workflow moves on by 0 to 2 buffers' worth, so some refreshes hit a gap.
      const burst = Math.floor(random() * capacity * 2);
      for (const body of bodies.slice(appended, appended + burst)) source.append(body, at(++appended));
      const pulled = pull(mirror, source, capacity, pageSize);
      pulled.kinds.forEach((kind) => kinds.add(kind));
      mirror = pulled.log;
      expectSameReads(mirror, source, pageSize);
    }
    expect([...kinds].sort()).toEqual(['appended', 'rebuilt']);
  });

  test('the first page builds the mirror; later pages append to the same log', () => {
    const source = new EventLog(100);
    const bodies = randomBodies(seededRandom(9), 10);
    bodies.slice(0, 4).forEach((body, i) => source.append(body, at(i + 1)));
    const first = applyPage(undefined, queried(source, 0, 1000), 100);
    expect(first.kind).toBe('rebuilt');
    const log = (first as { log: EventLog }).log;
    bodies.slice(4).forEach((body, i) => source.append(body, at(i + 5)));
    const next = applyPage(log, queried(source, 4, 1000), 100);
    expect(next).toEqual({ kind: 'appended', log });
    expectSameReads(log, source, 1000);
  });

  test('a page whose lastSeq is below the mirror (a new run that numbered afresh) asks for a read from 0', () => {
    const text = (n: number): GenerationEventBody[] =>
      Array.from({ length: n }, (_, i) => ({ type: 'text.delta' as const, iteration: 1, attempt: 1, text: `${i}` }));
    const old = new EventLog(100);
    text(8).forEach((body, i) => old.append(body, at(i + 1)));
    const mirror = pull(undefined, old, 100, 1000).log;
    const renumbered = new EventLog(100);
    text(3).forEach((body, i) => renumbered.append(body, at(i + 1)));
    expect(applyPage(mirror, queried(renumbered, 8, 1000), 100)).toEqual({ kind: 'restart' });
    const rebuilt = pull(mirror, renumbered, 100, 1000);
    expect(rebuilt.kinds).toEqual(['restart', 'rebuilt']);
    expectSameReads(rebuilt.log, renumbered, 1000);
  });

  test('a first page that does not start at seq 1 without a gap is not trusted', () => {
    const page: EventPage = {
      events: [{ type: 'text.delta', iteration: 1, attempt: 1, text: 'x', seq: 5, at: at(5) }],
      lastSeq: 5,
      gap: false,
      status: 'running',
    };
    expect(applyPage(undefined, page, 10)).toEqual({ kind: 'restart' });
  });
});
