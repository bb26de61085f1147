import { splitJson, splitText } from '../../src/fake-anthropic/chunking';

describe('chunking', () => {
  it('splits text by code points and never inside a surrogate pair', () => {
    const chunks = splitText('a🌍b👍🏽c', 1);
    expect(chunks.join('')).toBe('a🌍b👍🏽c');
    expect(chunks).toContain('🌍');
    expect(chunks.every((c) => !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(c))).toBe(true);
  });

  it('splits JSON into seeded random 1..12 char pieces, reproducibly', () => {
    const json = JSON.stringify({ path: 'x', content: 'y'.repeat(200) });
    const a = splitJson(json, 'random', 'seed-1');
    expect(a.join('')).toBe(json);
    expect(a.every((c) => c.length >= 1 && c.length <= 12)).toBe(true);
    expect(new Set(a.map((c) => c.length)).size).toBeGreaterThan(3);
    expect(splitJson(json, 'random', 'seed-1')).toEqual(a);
    expect(splitJson(json, 'random', 'seed-2')).not.toEqual(a);
    expect(splitJson(json, 7, 'ignored').slice(0, -1).every((c) => c.length === 7)).toBe(true);
  });
});
