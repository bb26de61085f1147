/**
 * The failure type of a generation that hit a limit nothing can lift while it runs (a payload too
 * large for Temporal, a history too long): it fails at once, with an error that names the limit.
 */
export const limitExceededType = 'LimitExceeded';

/** Bytes as a person reads them in an error message. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** UTF-8 length of a string without TextEncoder or Buffer, which workflow code cannot count on. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one 4-byte character.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
