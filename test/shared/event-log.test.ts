import { EventLog, maxEventBufferBytes, maxEventPageBytes, maxEventPageSize, type EventPage } from '../../src/shared/event-log';
import type { GenerationEvent, GenerationEventBody } from '../../src/shared/events';
import { foldEvents } from '../../src/shared/reducer';
import { initialState, type GenerationState } from '../../src/shared/state';
import { at, randomBodies, seededRandom } from './support/events';

function textBodies(count: number): GenerationEventBody[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'text.delta' as const, iteration: 1, attempt: 1, text: `${i + 1};` }));
}

/** A log with every body appended, and the events append returned (which the buffer may since have evicted). */
function filledLog(capacity: number, bodies: GenerationEventBody[]): { log: EventLog; appended: GenerationEvent[] } {
  const log = new EventLog(capacity);
  const appended = bodies.map((body, i) => log.append(body, at(i + 1)));
  return { log, appended };
}

function seqs(page: EventPage): number[] {
  return page.events.map((event) => event.seq);
}

/**
 * Reads the way a client polls: one page after `after`, then on from the last seq received until
 * caught up, and folds it all onto the page's `state` when the first page reports a gap.
 */
function catchUp(log: EventLog, after: number, limit: number, from: GenerationState): { state: GenerationState; pages: EventPage[] } {
  const pages: EventPage[] = [];
  let state = from;
  let cursor = after;
  for (;;) {
    const page = log.read(cursor, limit);
    pages.push(page);
    if (page.gap) {
      if (!page.state) throw new Error('a gap page must carry the state before its events');
      state = page.state;
    }
    state = foldEvents(page.events, state);
    if (page.events.length === 0) return { state, pages };
    cursor = page.events[page.events.length - 1].seq;
    if (cursor >= page.lastSeq) return { state, pages };
    if (pages.length > 10_000) throw new Error('read never caught up');
  }
}

describe('appending', () => {
  test('seq is gap-free from 1 and each event carries the timestamp it was appended with', () => {
    const { appended } = filledLog(100, [
      { type: 'generation.started', generationId: 'g', prompt: 'p', model: 'm', maxIterations: 1 },
      ...textBodies(4),
    ]);
    expect(appended.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(appended.map((event) => event.at)).toEqual([at(1), at(2), at(3), at(4), at(5)]);
  });

  test('state is the fold of everything appended, even after eviction', () => {
    const { log, appended } = filledLog(3, textBodies(10));
    expect(log.state).toEqual(foldEvents(appended));
    expect(log.state.text).toBe('1;2;3;4;5;6;7;8;9;10;');
    expect(log.state.lastSeq).toBe(10);
  });

  test('only the newest `capacity` events are kept', () => {
    const { log } = filledLog(3, textBodies(10));
    expect(seqs(log.read(7))).toEqual([8, 9, 10]);
    expect(log.snapshot().events.map((event) => event.seq)).toEqual([8, 9, 10]);
  });

  test.each([0, -1, 1.5, Number.NaN])('the constructor rejects capacity %p', (capacity) => {
    expect(() => new EventLog(capacity)).toThrow(/capacity must be a positive integer/);
  });

  test('capacity 1 keeps exactly the last event', () => {
    const { log } = filledLog(1, textBodies(4));
    expect(seqs(log.read(3))).toEqual([4]);
    expect(log.read(2)).toMatchObject({ gap: true, events: [{ seq: 4 }] });
  });
});

describe('reading', () => {
  test('an empty log reads as an empty page at seq 0', () => {
    const log = new EventLog(10);
    expect(log.read(0)).toEqual({ events: [], lastSeq: 0, gap: false, status: 'running' });
  });

  test('read(after) returns the events after `after`, with the newest seq and status', () => {
    const { log } = filledLog(100, textBodies(6));
    const page = log.read(2);
    expect(seqs(page)).toEqual([3, 4, 5, 6]);
    expect(page).toMatchObject({ lastSeq: 6, gap: false, status: 'running' });
    expect(page.state).toBeUndefined();
  });

  test('limit pages through the events without skipping or repeating any', () => {
    const { log } = filledLog(100, textBodies(7));
    expect(seqs(log.read(0, 3))).toEqual([1, 2, 3]);
    expect(seqs(log.read(3, 3))).toEqual([4, 5, 6]);
    expect(seqs(log.read(6, 3))).toEqual([7]);
    expect(seqs(log.read(7, 3))).toEqual([]);
  });

  test('reading past the newest seq is an empty page, not a gap', () => {
    const { log } = filledLog(100, textBodies(3));
    expect(log.read(3)).toMatchObject({ events: [], gap: false, lastSeq: 3 });
    expect(log.read(50)).toMatchObject({ events: [], gap: false, lastSeq: 3 });
  });

  test.each([
    [0, 1],
    [-5, 1],
    [2.9, 2],
    [maxEventPageSize + 500, maxEventPageSize],
  ])('limit %p is clamped to a page of %p', (limit, size) => {
    const { log } = filledLog(5000, textBodies(1200));
    expect(log.read(0, limit).events).toHaveLength(size);
  });

  test('without a limit a page holds at most maxEventPageSize events', () => {
    const { log } = filledLog(5000, textBodies(1200));
    expect(maxEventPageSize).toBe(1000);
    expect(seqs(log.read(0))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});

describe('gaps', () => {
  // Capacity 4 after 10 events keeps 7..10; 1..6 were evicted.
  const capacity = 4;
  const total = 10;

  test('after = oldestRetained - 1 is no gap: the client has everything before the buffer', () => {
    const { log } = filledLog(capacity, textBodies(total));
    expect(log.read(6)).toMatchObject({ gap: false });
    expect(seqs(log.read(6))).toEqual([7, 8, 9, 10]);
  });

  test('after < oldestRetained - 1 is a gap whose state is the fold of the evicted events', () => {
    const { log, appended } = filledLog(capacity, textBodies(total));
    for (const after of [0, 3, 5]) {
      const page = log.read(after);
      expect(page.gap).toBe(true);
      expect(seqs(page)).toEqual([7, 8, 9, 10]);
      expect(page.state).toEqual(foldEvents(appended.slice(0, 6)));
      expect(foldEvents(page.events, page.state)).toEqual(log.state);
    }
  });

  test('a gap page honours the limit and the client continues from its last event', () => {
    const { log } = filledLog(capacity, textBodies(total));
    const page = log.read(0, 2);
    expect(page).toMatchObject({ gap: true, lastSeq: 10 });
    expect(seqs(page)).toEqual([7, 8]);
    expect(catchUp(log, 0, 2, initialState).state).toEqual(log.state);
  });
});

describe('snapshots', () => {
  test('a log rebuilt from its snapshot (through JSON, as Temporal stores it) reads and appends the same', () => {
    const { log } = filledLog(4, textBodies(10));
    const restored = new EventLog(4, JSON.parse(JSON.stringify(log.snapshot())));
    for (const after of [0, 5, 6, 8, 10]) expect(restored.read(after)).toEqual(log.read(after));
    expect(restored.state).toEqual(log.state);
    expect(restored.append({ type: 'generation.completed', stopReason: 'end_turn' }, at(11)).seq).toBe(11);
  });

  test('a snapshot restored into a smaller buffer evicts into its base state', () => {
    const { log, appended } = filledLog(10, textBodies(10));
    const smaller = new EventLog(3, log.snapshot());
    const page = smaller.read(0);
    expect(page.gap).toBe(true);
    expect(seqs(page)).toEqual([8, 9, 10]);
    expect(page.state).toEqual(foldEvents(appended.slice(0, 7)));
    expect(foldEvents(page.events, page.state)).toEqual(log.state);
  });

  test('the snapshot does not expose the live buffer', () => {
    const { log } = filledLog(10, textBodies(3));
    log.snapshot().events.length = 0;
    expect(seqs(log.read(0))).toEqual([1, 2, 3]);
  });
});

describe('random runs (seeded)', () => {
  const cases: Array<[number, number, number]> = [
    // [seed, capacity, events]
    [1, 1, 60],
    [2, 3, 120],
    [3, 17, 200],
    [4, 50, 200],
    [5, 1000, 150],
  ];

  test.each(cases)('seed %i, capacity %i: folding every appended event equals log.state', (seed, capacity, count) => {
    const { log, appended } = filledLog(capacity, randomBodies(seededRandom(seed), count));
    expect(appended.map((event) => event.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(foldEvents(appended)).toEqual(log.state);
  });

  test.each(cases)('seed %i, capacity %i: a client catching up from any `after` arrives at log.state', (seed, capacity, count) => {
    const random = seededRandom(seed * 31);
    const { log, appended } = filledLog(capacity, randomBodies(seededRandom(seed), count));
    const oldestRetained = Math.max(1, count - capacity + 1);
    for (let after = 0; after <= count + 1; after++) {
      const limit = 1 + Math.floor(random() * 7);
      // A client that read up to `after` holds exactly the fold of events 1..after.
      const known = foldEvents(appended.slice(0, Math.min(after, count)));
      const { state, pages } = catchUp(log, after, limit, known);
      expect(pages[0].gap).toBe(after < oldestRetained - 1);
      if (pages[0].gap) expect(pages[0].state).toEqual(foldEvents(appended.slice(0, oldestRetained - 1)));
      expect(state).toEqual(log.state);
      // Pages never skip or repeat an event.
      const received = pages.flatMap(seqs);
      const firstExpected = pages[0].gap ? oldestRetained : after + 1;
      expect(received).toEqual(Array.from({ length: Math.max(0, count - firstExpected + 1) }, (_, i) => firstExpected + i));
    }
  });
});

describe('bounded in bytes', () => {
  const bigDelta = (i: number): GenerationEventBody => ({ type: 'text.delta', iteration: 1, attempt: 1, text: `${i}:${'x'.repeat(4000)}` });

  test('a page stops before a megabyte of events, and reading on from it loses nothing', () => {
    const { log } = filledLog(1000, Array.from({ length: 600 }, (_, i) => bigDelta(i)));
    const first = log.read(0, 1000);
    expect(JSON.stringify(first.events).length).toBeLessThanOrEqual(maxEventPageBytes + 4100);
    expect(first.events.length).toBeLessThan(600);
    const { state } = catchUp(log, 0, 1000, initialState);
    expect(state).toEqual(log.state);
  });

  test('the buffer evicts past its byte budget as it does past its count, and a client behind it still folds exactly', () => {
    const { log } = filledLog(1000, Array.from({ length: 900 }, (_, i) => bigDelta(i)));
    const snapshot = log.snapshot();
    expect(JSON.stringify(snapshot.events).length).toBeLessThanOrEqual(maxEventBufferBytes + 4100);
    expect(snapshot.events.length).toBeLessThan(900);
    const { state, pages } = catchUp(log, 0, 1000, initialState);
    expect(pages[0].gap).toBe(true);
    expect(state).toEqual(log.state);
    // A log rebuilt from its snapshot (what a new run carries) bounds itself the same way.
    expect(new EventLog(1000, snapshot).read(0, 1000)).toEqual(log.read(0, 1000));
  });
});
