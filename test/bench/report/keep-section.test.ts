import { keepEnd, keepStart, keptSection } from '../../../bench/report/keep-section';
import { renderPage } from '../../../bench/report/render-page';

test('the hand-written section survives regeneration word for word', () => {
  const handWritten = '## Changes and their effect\n\n| change | before | after |\n| --- | --- | --- |\n| batch 50 ms | 170 ms | 120 ms |';
  const first = renderPage({ quick: true }, {}, handWritten);
  const second = renderPage({ quick: false }, {}, keptSection(first));
  expect(keptSection(second)).toBe(handWritten);
  expect(second.indexOf(keepStart)).toBeLessThan(second.indexOf(handWritten));
  expect(second.indexOf(handWritten)).toBeLessThan(second.indexOf(keepEnd));
});

test('a page without markers gets the placeholder; broken markers are refused, not silently dropped', () => {
  expect(keptSection(undefined)).toContain('Changes and their effect');
  expect(keptSection('# old page without markers')).toContain('Changes and their effect');
  expect(() => keptSection(`${keepStart}\nnotes but no end`)).toThrow(/broken keep section/);
  expect(() => keptSection(`${keepEnd}\n${keepStart}`)).toThrow(/broken keep section/);
});
