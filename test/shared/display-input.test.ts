import { displayInput, displayString, maxDisplayStringLength } from '../../src/shared/display-input';

test('long strings are cut with a note of how much was left out; the rest is kept as it is', () => {
  const content = 'x'.repeat(maxDisplayStringLength + 500);
  const input = { path: 'big.txt', content, options: { lines: [1, 2], flag: true, none: null } };
  expect(displayInput(input)).toEqual({
    path: 'big.txt',
    content: `${'x'.repeat(maxDisplayStringLength)}… [500 more characters]`,
    options: { lines: [1, 2], flag: true, none: null },
  });
  expect(input.content).toHaveLength(maxDisplayStringLength + 500);
});

test('strings at the limit and nested arrays pass unchanged', () => {
  const exact = 'y'.repeat(maxDisplayStringLength);
  expect(displayInput([exact, ['a']])).toEqual([exact, ['a']]);
});

test('an input with many long strings is cut harder, so its display copy stays small', () => {
  const input = { files: Array.from({ length: 40 }, (_, i) => ({ path: `f${i}.txt`, content: 'z'.repeat(5000) })) };
  const shown = displayInput(input) as { files: Array<{ path: string; content: string }> };
  expect(shown.files).toHaveLength(40);
  expect(shown.files[0].path).toBe('f0.txt');
  expect(shown.files[0].content).toBe(`${'z'.repeat(200)}… [4800 more characters]`);
  expect(JSON.stringify(shown).length).toBeLessThan(12_000);
});

test('displayString keeps short strings and says how much of a long one was left out', () => {
  expect(displayString('short', 10)).toBe('short');
  expect(displayString('abcdefghijkl', 10)).toBe('abcdefghij… [2 more characters]');
});
