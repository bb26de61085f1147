/** Text of `bytes` ASCII characters that does not compress to nothing: numbered lines of words. */
export function bulkText(bytes: number, seed: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${seed} line ${i}: the quick brown fox jumps over the lazy dog ${(i * 7919) % 10007}\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('').slice(0, bytes);
}
