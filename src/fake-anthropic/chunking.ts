import { randomInt, seededRandom } from './prng';

/**
 * Split by code points, never inside a surrogate pair: the real API never sends half
 * an emoji in one delta, and JSON.stringify would otherwise emit lone-surrogate escapes.
 */
export function splitText(text: string, chunkChars: number): string[] {
  const codePoints = Array.from(text);
  const size = Math.max(1, Math.floor(chunkChars));
  const chunks: string[] = [];
  for (let i = 0; i < codePoints.length; i += size) chunks.push(codePoints.slice(i, i + size).join(''));
  return chunks;
}

/**
 * Split partial JSON the way the API does: at arbitrary places, including inside
 * strings, escapes and numbers, so consumers must buffer until content_block_stop.
 */
export function splitJson(json: string, chunking: 'random' | number, seed: string): string[] {
  if (typeof chunking === 'number') return splitText(json, chunking);
  const random = seededRandom(seed);
  const codePoints = Array.from(json);
  const chunks: string[] = [];
  let i = 0;
  while (i < codePoints.length) {
    const size = randomInt(random, 1, 12);
    chunks.push(codePoints.slice(i, i + size).join(''));
    i += size;
  }
  return chunks;
}
