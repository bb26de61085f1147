import { EventLog, type EventPage } from '../../src/shared/event-log';
import { waitFor } from '../support/wait-for';
import { GenerationFollowers, type EventPageSource, type FollowUpdate, type FollowWake } from '../../src/server/generation-followers';

/**
 * The follower against a real EventLog standing in for the reader's mirror (the mirror is an EventLog):
 * what a wake hands its subscribers, and how often it reads. Temporal itself is in the e2e tests
 * (test/e2e/push-stream.test.ts).
 */
class LogSource implements EventPageSource {
  readonly log = new EventLog(1_000);
  refreshes = 0;
  mirroredReads = 0;

  append(count: number): void {
    for (let i = 0; i < count; i++) this.log.append({ type: 'text.delta', iteration: 1, attempt: 1, text: `t${this.log.state.lastSeq + 1}` }, new Date().toISOString());
  }

  async events(_id: string, after: number, limit: number): Promise<EventPage> {
    this.refreshes++;
    return this.log.read(after, limit);
  }

  mirroredEvents(_id: string, after: number, limit: number): EventPage | undefined {
    this.mirroredReads++;
    return this.log.read(after, limit);
  }
}

function nextWake(followers: GenerationFollowers, id: string, after: number): Promise<FollowWake> {
  return new Promise((resolve) => {
    const unsubscribe = followers.subscribe(id, (update: FollowUpdate) => {
      if ('error' in update || update.lastSeq <= after) return;
      unsubscribe();
      resolve(update);
    });
  });
}

test('subscribers of one wake at the same cursor share one page; one behind gets its own, exact page', async () => {
  const source = new LogSource();
  source.append(3);
  const followers = new GenerationFollowers(source, { intervalMs: 5, listenersPerSlice: 7 });
  const received: { cursor: number; page: EventPage | undefined }[] = [];
  const cursors = [...Array.from({ length: 30 }, () => 3), 1];
  const unsubscribes = cursors.map((cursor) =>
    followers.subscribe('g', (update) => {
      if ('error' in update || update.lastSeq <= cursor) return;
      received.push({ cursor, page: update.pageAfter(cursor, 1_000) });
    }),
  );
  // The first refresh reports seq 3: nobody at 3 reads; the one at 1 gets seqs 2..3.
  await waitFor('the first wake', () => received.length > 0);
  expect(received).toHaveLength(1);
  expect(received[0].page?.events.map((event) => event.seq)).toEqual([2, 3]);
  received.length = 0;

  const readsBefore = source.mirroredReads;
  source.append(2);
  await waitFor('the second wake to reach every subscriber', () => received.length >= 31);
  await new Promise((resolve) => setTimeout(resolve, 30));
  // Every subscriber had the wake (in slices of 7), exactly once.
  expect(received).toHaveLength(31);
  const atThree = received.filter((r) => r.cursor === 3);
  expect(new Set(atThree.map((r) => r.page)).size).toBe(1);
  expect(atThree[0].page?.events.map((event) => event.seq)).toEqual([4, 5]);
  expect(received.find((r) => r.cursor === 1)?.page?.events.map((event) => event.seq)).toEqual([2, 3, 4, 5]);
  // Two cursors, two reads of the mirror, whatever the number of subscribers.
  expect(source.mirroredReads - readsBefore).toBe(2);
  for (const unsubscribe of unsubscribes) unsubscribe();
  expect(followers.size).toBe(0);
});

test('one read per refresh whatever the number of subscribers, and the follower stops with its last one', async () => {
  const source = new LogSource();
  source.append(1);
  const followers = new GenerationFollowers(source, { intervalMs: 60_000 });
  const unsubscribes = Array.from({ length: 200 }, () => followers.subscribe('g', () => undefined));
  await waitFor('the first refresh', () => followers.position('g') !== undefined);
  // 200 subscribers, one read (the next is a minute away).
  expect(source.refreshes).toBe(1);
  expect(followers.position('g')).toEqual({ lastSeq: 1, status: source.log.state.status });
  for (const unsubscribe of unsubscribes) unsubscribe();
  expect(followers.size).toBe(0);
  expect(followers.position('g')).toBeUndefined();
});

test('a subscriber that leaves while a wake is handed out in slices is not called', async () => {
  const source = new LogSource();
  const followers = new GenerationFollowers(source, { intervalMs: 5, listenersPerSlice: 1 });
  const calls: string[] = [];
  let unsubscribeSecond = (): void => undefined;
  const unsubscribeFirst = followers.subscribe('g', () => {
    calls.push('first');
    unsubscribeSecond();
  });
  unsubscribeSecond = followers.subscribe('g', () => calls.push('second'));
  const woken = nextWake(followers, 'g', 0);
  source.append(1);
  await woken;
  expect(calls).toContain('first');
  expect(calls).not.toContain('second');
  unsubscribeFirst();
});
