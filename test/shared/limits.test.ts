import { formatBytes, utf8Length } from '../../src/shared/limits';

test('utf8Length counts bytes as UTF-8 encodes them', () => {
  for (const text of ['', 'ascii', 'é', '漢字', '😀 emoji', 'mixed é 漢 😀 z', '\ud800 lone surrogate']) {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  }
});

test('formatBytes reads as a person would say it', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(2048)).toBe('2.0 KiB');
  expect(formatBytes(2 * 1024 * 1024)).toBe('2.0 MiB');
});
