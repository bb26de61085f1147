import { TextRunWindow } from '../../../src/activities/model/text-run-window';

test('a run starts at the configured window and doubles with each text batch up to the cap', () => {
  const window = new TextRunWindow(1000);
  const seen: number[] = [];
  for (let i = 0; i < 6; i++) {
    seen.push(window.windowMs(100));
    window.textSent();
  }
  expect(seen).toEqual([100, 200, 400, 800, 1000, 1000]);
});

test('a tool call starts the next run at the configured window again', () => {
  const window = new TextRunWindow(1000);
  window.textSent();
  window.textSent();
  expect(window.windowMs(100)).toBe(400);
  window.reset();
  expect(window.windowMs(100)).toBe(100);
});

test('a configured (or load-stretched) window above the cap is kept, never shortened', () => {
  const window = new TextRunWindow(1000);
  expect(window.windowMs(2500)).toBe(2500);
  window.textSent();
  expect(window.windowMs(2500)).toBe(2500);
  expect(window.windowMs(700)).toBe(1000);
});

test('a long run does not overflow the doubling', () => {
  const window = new TextRunWindow(1000);
  for (let i = 0; i < 2000; i++) window.textSent();
  expect(window.windowMs(1)).toBe(1000);
});

test('the cap must be positive', () => {
  expect(() => new TextRunWindow(0)).toThrow(RangeError);
});
