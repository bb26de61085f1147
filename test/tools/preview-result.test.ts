import { previewResult } from '../../src/tools';

describe('previewResult', () => {
  it('returns short text unchanged', () => {
    expect(previewResult('Wrote 12 bytes to a.txt')).toBe('Wrote 12 bytes to a.txt');
  });

  it('collapses newlines, tabs and control characters into single spaces', () => {
    expect(previewResult('line 1\n\n  line 2\tend\u0000x\r\n')).toBe('line 1 line 2 end x');
  });

  it('cuts long text to max characters ending with an ellipsis', () => {
    const preview = previewResult('x'.repeat(500));
    expect(preview).toHaveLength(200);
    expect(preview.endsWith('…')).toBe(true);
    expect(previewResult('abcdefghij', 5)).toBe('abcd…');
  });

  it('never splits a surrogate pair', () => {
    const preview = previewResult(`abc${'😀'.repeat(10)}`, 5);
    expect(preview).toBe('abc…');
    expect(preview.length).toBeLessThanOrEqual(5);
  });
});
