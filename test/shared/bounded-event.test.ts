import { boundEvent, maxTextDeltaChars, textPieces } from '../../src/shared/bounded-event';
import { maxDisplayStringLength } from '../../src/shared/display-input';

describe('boundEvent', () => {
  test('a 600 KB prompt becomes a preview that says how much was left out', () => {
    const prompt = '漢'.repeat(200_000);
    const bounded = boundEvent({ type: 'generation.started', generationId: 'g', prompt, model: 'm', maxIterations: 3 });
    expect(bounded).toMatchObject({ type: 'generation.started', generationId: 'g', model: 'm', maxIterations: 3 });
    const shown = (bounded as { prompt: string }).prompt;
    expect(shown.startsWith('漢'.repeat(maxDisplayStringLength))).toBe(true);
    expect(shown).toContain(`[${200_000 - maxDisplayStringLength} more characters]`);
  });

  test('messages, errors and reasons are cut; everything else passes unchanged', () => {
    const long = 'e'.repeat(10_000);
    expect((boundEvent({ type: 'message.received', text: long }) as { text: string }).text.length).toBeLessThan(2100);
    expect((boundEvent({ type: 'generation.failed', error: long }) as { error: string }).error.length).toBeLessThan(2100);
    expect((boundEvent({ type: 'tool.failed', toolUseId: 't', attempt: 1, error: long, willRetry: false }) as { error: string }).error.length).toBeLessThan(2100);
    expect((boundEvent({ type: 'generation.cancelled', reason: long }) as { reason: string }).reason.length).toBeLessThan(2100);
    const delta = { type: 'text.delta' as const, iteration: 1, attempt: 1, text: long };
    expect(boundEvent(delta)).toBe(delta);
  });
});

test('textPieces splits long text into pieces that join back to it', () => {
  const text = 'abc'.repeat(5000);
  const pieces = textPieces(text);
  expect(pieces.length).toBe(Math.ceil(text.length / maxTextDeltaChars));
  expect(pieces.every((piece) => piece.length <= maxTextDeltaChars)).toBe(true);
  expect(pieces.join('')).toBe(text);
  expect(textPieces('short')).toEqual(['short']);
});
