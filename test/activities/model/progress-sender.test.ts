import { ProgressSender, type SendProgress } from '../../../src/activities/model/progress-sender';
import type { DetectedToolCall, StreamProgress } from '../../../src/shared/model-turn';

const BATCH_MS = 30;
const START = new Date('2026-03-01T12:00:00.000Z');
const ROUTE = { iteration: 2, attempt: 1 };

interface HeldSend {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Stands in for the workflow signal. Sends settle at once unless `hold` is on; held sends wait for
 * `release()` / `fail()` in the order they were made. Progress objects are kept by reference, so a
 * sender that changed a batch after handing it over would show up in the assertions.
 */
class FakeSignal {
  readonly sent: StreamProgress[] = [];
  hold = false;
  failWith: unknown = undefined;
  inFlight = 0;
  maxInFlight = 0;
  private readonly held: HeldSend[] = [];

  readonly send: SendProgress = (progress) => {
    this.sent.push(progress);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const settled = () => {
      this.inFlight -= 1;
    };
    if (this.failWith !== undefined) {
      settled();
      return Promise.reject(this.failWith);
    }
    if (!this.hold) {
      settled();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.held.push({
        resolve: () => {
          settled();
          resolve();
        },
        reject: (err) => {
          settled();
          reject(err);
        },
      });
    });
  };

  get heldCount(): number {
    return this.held.length;
  }

  release(): void {
    this.nextHeld().resolve();
  }

  fail(err: unknown): void {
    this.nextHeld().reject(err);
  }

  private nextHeld(): HeldSend {
    const next = this.held.shift();
    if (!next) throw new Error('no send is in flight');
    return next;
  }
}

function toolCall(id: string): DetectedToolCall {
  return { id, name: 'write_file', input: { path: `${id}.txt` }, summary: `${id}.txt`, resourceKey: `${id}.txt`, rejection: null, detectedAt: START.toISOString() };
}

/** Lets the promise chain behind a send run without moving the clock. */
async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

function itemsOf(progress: StreamProgress): Array<string> {
  return progress.items.map((item) => (item.type === 'tool_call' ? `tool:${item.call.id}` : `${item.type}:${item.text}`));
}

function setup(): { signal: FakeSignal; sender: ProgressSender } {
  const signal = new FakeSignal();
  return { signal, sender: new ProgressSender(signal.send, ROUTE, () => BATCH_MS) };
}

beforeEach(() => {
  jest.useFakeTimers({ now: START });
});

afterEach(() => {
  jest.useRealTimers();
});

test('text waits batchMs from its first delta and leaves as one item stamped with that first delta', async () => {
  const { signal, sender } = setup();
  sender.text('Hel');
  await jest.advanceTimersByTimeAsync(10);
  sender.text('lo ');
  sender.text('there');
  await jest.advanceTimersByTimeAsync(BATCH_MS - 11);
  expect(signal.sent).toHaveLength(0);

  await jest.advanceTimersByTimeAsync(1);
  expect(signal.sent).toEqual([{ ...ROUTE, phase: 'thinking', items: [{ type: 'text', text: 'Hello there', at: START.toISOString() }] }]);
});

test('text after a batch went out starts a new batch with its own timestamp', async () => {
  const { signal, sender } = setup();
  sender.text('one');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  sender.text('two');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  expect(signal.sent.map(itemsOf)).toEqual([['text:one'], ['text:two']]);
  const second = signal.sent[1].items[0];
  expect(second.type === 'text' && second.at).toBe(new Date(START.getTime() + BATCH_MS).toISOString());
});

test('each batch waits the window current when its first text arrived', async () => {
  const signal = new FakeSignal();
  let windowMs = BATCH_MS;
  const sender = new ProgressSender(signal.send, ROUTE, () => windowMs);
  sender.text('one');
  windowMs = 5 * BATCH_MS;
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  expect(signal.sent.map(itemsOf)).toEqual([['text:one']]);

  sender.text('two');
  await jest.advanceTimersByTimeAsync(5 * BATCH_MS - 1);
  expect(signal.sent).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(signal.sent.map(itemsOf)).toEqual([['text:one'], ['text:two']]);
});

test('when a tool_use block starts, pending text waits a full window from then and leaves with a call that comes in time', async () => {
  const { signal, sender } = setup();
  sender.text('Let me check.');
  await jest.advanceTimersByTimeAsync(BATCH_MS - 5);
  sender.toolCallStarting();
  await jest.advanceTimersByTimeAsync(BATCH_MS - 1);
  expect(signal.sent).toHaveLength(0);
  sender.toolCall(toolCall('t1'));
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['text:Let me check.', 'tool:t1']]);
});

test('a tool_use block whose input takes longer than the window does not hold the text back further', async () => {
  const { signal, sender } = setup();
  sender.text('Writing it.');
  await jest.advanceTimersByTimeAsync(10);
  sender.toolCallStarting();
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  expect(signal.sent.map(itemsOf)).toEqual([['text:Writing it.']]);
  sender.toolCall(toolCall('t1'));
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['text:Writing it.'], ['tool:t1']]);
});

test('a tool_use block start with nothing pending sends nothing', async () => {
  const { signal, sender } = setup();
  sender.toolCallStarting();
  await jest.advanceTimersByTimeAsync(5 * BATCH_MS);
  expect(signal.sent).toHaveLength(0);
});

test('a tool call does not wait for a long window', async () => {
  const signal = new FakeSignal();
  const sender = new ProgressSender(signal.send, ROUTE, () => 60_000);
  sender.text('before');
  sender.toolCall(toolCall('t1'));
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['text:before', 'tool:t1']]);
});

test('a tool call goes out at once, after the text that preceded it, and cancels the pending text timer', async () => {
  const { signal, sender } = setup();
  sender.text('Writing the file.');
  sender.toolCall(toolCall('a'));
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['text:Writing the file.', 'tool:a']]);

  // The text already left with the tool call; its timer must not send an empty batch later.
  await jest.advanceTimersByTimeAsync(BATCH_MS * 5);
  expect(signal.sent).toHaveLength(1);
});

test('text that arrives after a tool call is sent after it, never merged into the text before it', async () => {
  const { signal, sender } = setup();
  sender.text('before ');
  sender.toolCall(toolCall('a'));
  sender.text('after');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  // Batching may put everything in one send; what matters is the order across all sends.
  expect(signal.sent.flatMap(itemsOf)).toEqual(['text:before ', 'tool:a', 'text:after']);
});

test('only one send is in flight; what piles up meanwhile leaves together, in order, in the next send', async () => {
  const { signal, sender } = setup();
  signal.hold = true;
  sender.toolCall(toolCall('a'));
  await settle();
  sender.text('between ');
  sender.toolCall(toolCall('b'));
  sender.text('and ');
  await jest.advanceTimersByTimeAsync(BATCH_MS * 3);
  sender.toolCall(toolCall('c'));
  await settle();
  expect(signal.sent).toHaveLength(1);

  signal.release();
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['tool:a'], ['text:between ', 'tool:b', 'text:and ', 'tool:c']]);

  signal.release();
  await jest.advanceTimersByTimeAsync(BATCH_MS * 3);
  // The flushes queued behind the first send found nothing left: no empty signals.
  expect(signal.sent).toHaveLength(2);
  expect(signal.maxInFlight).toBe(1);
});

test('text appended while a batch is in flight does not change the batch already handed over', async () => {
  const { signal, sender } = setup();
  signal.hold = true;
  sender.text('first');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  sender.text(' second');
  signal.release();
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  signal.release();
  expect(signal.sent.map(itemsOf)).toEqual([['text:first'], ['text: second']]);
});

test('a phase change alone is sent after batchMs; setting the same phase again sends nothing', async () => {
  const { signal, sender } = setup();
  sender.setPhase('streaming');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  expect(signal.sent).toEqual([{ ...ROUTE, phase: 'streaming', items: [] }]);

  sender.setPhase('streaming');
  await jest.advanceTimersByTimeAsync(BATCH_MS * 3);
  expect(signal.sent).toHaveLength(1);
});

test('each send carries the phase current when it leaves', async () => {
  const { signal, sender } = setup();
  sender.setPhase('streaming');
  sender.text('visible');
  sender.toolCall(toolCall('a'));
  await settle();
  sender.setPhase('thinking');
  await jest.advanceTimersByTimeAsync(BATCH_MS);
  expect(signal.sent.map((progress) => [progress.phase, itemsOf(progress)])).toEqual([
    ['streaming', ['text:visible', 'tool:a']],
    ['thinking', []],
  ]);
});

test('close() sends the pending text without waiting for the timer and resolves only after the send settles', async () => {
  const { signal, sender } = setup();
  signal.hold = true;
  sender.setPhase('streaming');
  sender.text('the end');
  let closed = false;
  const closing = sender.close().then(() => {
    closed = true;
  });
  await settle();
  expect(signal.sent.map(itemsOf)).toEqual([['text:the end']]);
  expect(closed).toBe(false);

  signal.release();
  await closing;
  expect(closed).toBe(true);
});

test('close() waits for a send already in flight and for what queued behind it', async () => {
  const { signal, sender } = setup();
  signal.hold = true;
  sender.toolCall(toolCall('a'));
  await settle();
  sender.text('tail');
  let closed = false;
  const closing = sender.close().then(() => {
    closed = true;
  });
  await settle();
  expect(signal.sent).toHaveLength(1);
  signal.release();
  await settle();
  expect(closed).toBe(false);
  expect(signal.sent.map(itemsOf)).toEqual([['tool:a'], ['text:tail']]);

  signal.release();
  await closing;
  expect(closed).toBe(true);
});

test('after a send fails nothing more is sent, and close() rejects with that first failure', async () => {
  const { signal, sender } = setup();
  signal.hold = true;
  sender.toolCall(toolCall('a'));
  await settle();
  sender.toolCall(toolCall('b'));
  sender.text('lost');
  const first = new Error('workflow not found');
  signal.fail(first);
  await jest.advanceTimersByTimeAsync(BATCH_MS * 3);
  expect(signal.sent.map(itemsOf)).toEqual([['tool:a']]);

  signal.hold = false;
  signal.failWith = new Error('a later failure');
  sender.toolCall(toolCall('c'));
  await expect(sender.close()).rejects.toBe(first);
  expect(signal.sent).toHaveLength(1);
});

test('abandon() stops the batch timer: pending text is never sent', async () => {
  const { signal, sender } = setup();
  sender.text('half a sentence');
  sender.setPhase('streaming');
  sender.abandon();
  await jest.advanceTimersByTimeAsync(BATCH_MS * 10);
  expect(signal.sent).toEqual([]);
  expect(jest.getTimerCount()).toBe(0);
});

describe('failures', () => {
  const unavailable = Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: 14 });

  test('a signal that fails for a passing reason is sent again, and nothing is lost or reordered', async () => {
    const signal = new FakeSignal();
    const sender = new ProgressSender(signal.send, ROUTE, () => BATCH_MS, { retryDelaysMs: [10, 20] });
    signal.failWith = unavailable;
    sender.toolCall(toolCall('a'));
    await settle();
    signal.failWith = undefined;
    sender.toolCall(toolCall('b'));
    await jest.advanceTimersByTimeAsync(10);
    await sender.close();
    expect(signal.sent.map(itemsOf)).toEqual([['tool:a'], ['tool:a'], ['tool:b']]);
    expect(sender.failed).toBeUndefined();
  });

  test('after its retries a failure stops delivery and is reported at once through onFailure', async () => {
    const signal = new FakeSignal();
    const failures: unknown[] = [];
    const sender = new ProgressSender(signal.send, ROUTE, () => BATCH_MS, { retryDelaysMs: [10, 20], onFailure: (err) => failures.push(err) });
    signal.failWith = unavailable;
    sender.toolCall(toolCall('a'));
    await jest.advanceTimersByTimeAsync(40);
    expect(signal.sent).toHaveLength(3);
    expect(failures).toEqual([unavailable]);
    sender.toolCall(toolCall('b'));
    await expect(sender.close()).rejects.toBe(unavailable);
    expect(signal.sent).toHaveLength(3);
  });

  test('with a payload limit, a signal above it is never sent and fails naming the limit', async () => {
    const signal = new FakeSignal();
    const failures: unknown[] = [];
    const sender = new ProgressSender(signal.send, ROUTE, () => BATCH_MS, { payloadLimitBytes: 10_000, onFailure: (err) => failures.push(err) });
    sender.toolCall({ ...toolCall('big'), input: { path: 'big.txt', content: 'x'.repeat(20_000) } });
    await settle();
    expect(signal.sent).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ type: 'LimitExceeded', nonRetryable: true });
    expect((failures[0] as Error).message).toMatch(/tool call big \(write_file\).*above Temporal's payload size limit of 9\.8 KiB \(TOOLSTREAM_PAYLOAD_LIMIT\)/);
  });
});

describe('live usage', () => {
  const usageOf = (outputTokens: number) => ({
    usage: { inputTokens: 100, outputTokens, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    costUsd: outputTokens / 1000,
  });

  test('usage never sends a signal of its own: the latest figures ride on the next batch, once', async () => {
    const { signal, sender } = setup();
    sender.usage(usageOf(1));
    await jest.advanceTimersByTimeAsync(5 * BATCH_MS);
    expect(signal.sent).toHaveLength(0);

    sender.usage(usageOf(2));
    sender.text('Hi');
    await jest.advanceTimersByTimeAsync(BATCH_MS);
    sender.text(' again');
    await jest.advanceTimersByTimeAsync(BATCH_MS);
    expect(signal.sent.map((progress) => progress.usage)).toEqual([usageOf(2), undefined]);

    sender.usage(usageOf(7));
    sender.toolCall(toolCall('a'));
    await settle();
    expect(signal.sent[2]).toMatchObject({ items: [{ type: 'tool_call' }], usage: usageOf(7) });
  });

  test('the last signals of a turn leave the usage out: the turn result reports it', async () => {
    const { signal, sender } = setup();
    sender.text('Hi');
    sender.usage(usageOf(9));
    await sender.close();
    expect(signal.sent).toHaveLength(1);
    expect(signal.sent[0].usage).toBeUndefined();
  });
});

describe('with growing text runs (textRunMaxMs)', () => {
  function growing(): { signal: FakeSignal; sender: ProgressSender } {
    const signal = new FakeSignal();
    return { signal, sender: new ProgressSender(signal.send, ROUTE, () => BATCH_MS, { textRunMaxMs: 4 * BATCH_MS }) };
  }

  /** Feeds a character every ms for `totalMs`; returns when each signal left, in ms from the start. */
  async function streamText(signal: FakeSignal, sender: ProgressSender, totalMs: number): Promise<number[]> {
    const sentAt: number[] = [];
    for (let t = 0; t < totalMs; t++) {
      sender.text('x');
      const before = signal.sent.length;
      await jest.advanceTimersByTimeAsync(1);
      if (signal.sent.length > before) sentAt.push(t + 1);
    }
    return sentAt;
  }

  function textOf(signal: FakeSignal): string {
    return signal.sent.flatMap((progress) => progress.items.map((item) => (item.type === 'text' ? item.text : ''))).join('');
  }

  test('the first text of a turn leaves after the configured window; later batches of the run wait longer, up to the cap', async () => {
    const { signal, sender } = growing();
    const sentAt = await streamText(signal, sender, 16 * BATCH_MS);
    const gaps = sentAt.map((at, i) => at - (i === 0 ? 0 : sentAt[i - 1]));
    expect(gaps).toEqual([BATCH_MS, 2 * BATCH_MS, 4 * BATCH_MS, 4 * BATCH_MS, 4 * BATCH_MS]);
    await sender.close();
    expect(textOf(signal)).toBe('x'.repeat(16 * BATCH_MS));
  });

  test('a tool call still goes out at once in a grown run, and the text after it starts at the configured window again', async () => {
    const { signal, sender } = growing();
    await streamText(signal, sender, 3 * BATCH_MS);
    expect(signal.sent).toHaveLength(2);
    sender.text('before');
    sender.toolCall(toolCall('t1'));
    await settle();
    expect(signal.sent.map(itemsOf)).toEqual([expect.anything(), expect.anything(), ['text:before', 'tool:t1']]);

    sender.text('after');
    await jest.advanceTimersByTimeAsync(BATCH_MS - 1);
    expect(signal.sent).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(signal.sent.map(itemsOf)[3]).toEqual(['text:after']);
  });

  test('a tool call made while a text batch is in flight resets the run for the text after it', async () => {
    const { signal, sender } = growing();
    await streamText(signal, sender, 3 * BATCH_MS);
    signal.hold = true;
    sender.text('held');
    await jest.advanceTimersByTimeAsync(4 * BATCH_MS);
    expect(signal.heldCount).toBe(1);
    sender.toolCall(toolCall('t1'));
    signal.release();
    await settle();
    signal.release();
    signal.hold = false;
    await settle();
    sender.text('after');
    await jest.advanceTimersByTimeAsync(BATCH_MS);
    expect(signal.sent.map(itemsOf).slice(2)).toEqual([['text:held'], ['tool:t1'], ['text:after']]);
  });
});

describe('closeBeforeResult (the stream ended well and its result follows)', () => {
  test('text still waiting for its window is not sent: the result carries it', async () => {
    const { signal, sender } = setup();
    sender.setPhase('streaming');
    sender.text('first words');
    await jest.advanceTimersByTimeAsync(BATCH_MS);
    sender.text(' and the end');
    await sender.closeBeforeResult();
    await jest.advanceTimersByTimeAsync(BATCH_MS * 10);
    expect(signal.sent.map(itemsOf)).toEqual([['text:first words']]);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a tool call still goes out with the text before it and after it, and is waited for', async () => {
    const { signal, sender } = setup();
    signal.hold = true;
    sender.text('before');
    sender.toolCall(toolCall('a'));
    await settle();
    sender.toolCall(toolCall('b'));
    sender.text('after');
    let closed = false;
    const closing = sender.closeBeforeResult().then(() => {
      closed = true;
    });
    signal.release();
    await settle();
    expect(closed).toBe(false);
    signal.release();
    await closing;
    expect(signal.sent.map(itemsOf)).toEqual([['text:before', 'tool:a'], ['tool:b', 'text:after']]);
    expect(sender.deliveredToolCalls).toEqual(new Set(['a', 'b']));
  });

  test('thinking still goes out: the result does not show it', async () => {
    const { signal, sender } = setup();
    sender.thinking('let me see');
    await sender.closeBeforeResult();
    expect(signal.sent.map(itemsOf)).toEqual([['thinking:let me see']]);
  });

  test('a phase change alone sends nothing', async () => {
    const { signal, sender } = setup();
    sender.setPhase('streaming');
    await sender.closeBeforeResult();
    await jest.advanceTimersByTimeAsync(BATCH_MS * 10);
    expect(signal.sent).toEqual([]);
  });
});
