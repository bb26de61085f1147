import { TextBatchWindow } from '../../../src/activities/model/text-batch-window';

test('with few streams each keeps the window it asked for', () => {
  const window = new TextBatchWindow(100);
  const close = window.open();
  expect(window.windowMs(100)).toBe(100);
  expect(window.windowMs(250)).toBe(250);
  close();
});

test('past the budget every stream waits longer, so the worker sends about the budget per second', () => {
  const window = new TextBatchWindow(100);
  const closers = Array.from({ length: 50 }, () => window.open());
  // 50 streams × (1000 / 500 ms) = 100 signals per second.
  expect(window.windowMs(100)).toBe(500);
  expect((window.active * 1000) / window.windowMs(100)).toBe(100);
  // A stream that asked for more than the shared window keeps its own.
  expect(window.windowMs(2000)).toBe(2000);
  for (const close of closers.slice(0, 45)) close();
  expect(window.windowMs(100)).toBe(100);
});

test('closing a stream twice counts it once', () => {
  const window = new TextBatchWindow(10);
  const first = window.open();
  const second = window.open();
  first();
  first();
  expect(window.active).toBe(1);
  expect(window.windowMs(50)).toBe(100);
  second();
  expect(window.active).toBe(0);
  expect(window.windowMs(50)).toBe(50);
});

test('a budget that is not positive is refused', () => {
  expect(() => new TextBatchWindow(0)).toThrow(RangeError);
  expect(() => new TextBatchWindow(Number.NaN)).toThrow(RangeError);
});
