import { displayInput, maxDisplayStringLength } from '../../src/shared/display-input';

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
