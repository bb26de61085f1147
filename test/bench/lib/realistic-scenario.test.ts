import { realisticDefaults, realisticScenario, realisticToolCalls, realisticTurns } from '../../../bench/lib/realistic-scenario';
import type { MessagesRequestBody } from '../../../src/fake-anthropic';

const request = (prompt: string): MessagesRequestBody => ({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: prompt }] });

test('a realistic generation has its turns, its tool calls and text between them', () => {
  const turns = realisticTurns(realisticDefaults, 7);
  expect(turns).toHaveLength(realisticDefaults.iterations);
  const toolUses = turns.flatMap((turn) => turn.steps.filter((step) => step.type === 'tool_use'));
  expect(toolUses).toHaveLength(realisticToolCalls(realisticDefaults));
  for (const turn of turns.slice(0, -1)) {
    expect(turn.steps.map((step) => step.type)).toEqual(['text', 'tool_use', 'text', 'tool_use']);
    expect(turn.tokensPerSecond).toBe(50);
  }
  expect(turns[turns.length - 1]).toMatchObject({ stopReason: 'end_turn', steps: [{ type: 'text' }] });
});

test('the gaps between calls are jittered around the mean, the same for the same seed and different across seeds', () => {
  const textChars = (seed: number): number[] =>
    realisticTurns(realisticDefaults, seed).slice(0, -1).flatMap((turn) => turn.steps.flatMap((step) => (step.type === 'text' ? [step.text.length] : [])));
  expect(textChars(3)).toEqual(textChars(3));
  expect(textChars(3)).not.toEqual(textChars(4));
  // 50 tokens/s × 4 characters a token: a 3 s gap is ~600 characters; ±60 % jitter keeps every gap within 240..960.
  const all = Array.from({ length: 50 }, (_, seed) => textChars(seed)).flat();
  for (const chars of all) expect(chars).toBeGreaterThanOrEqual(200);
  for (const chars of all) expect(chars).toBeLessThanOrEqual(960);
  const mean = all.reduce((sum, chars) => sum + chars, 0) / all.length;
  expect(mean).toBeGreaterThan(520);
  expect(mean).toBeLessThan(640);
});

test('the fake model serves each generation the turns of the seed in its prompt, turn by turn', () => {
  const scenario = realisticScenario(realisticDefaults);
  const expected = realisticTurns(realisticDefaults, 12);
  expect(scenario(request('[[scenario:realistic]] seed 12 load 1'), { turn: 0, callIndex: 0 })).toEqual(expected[0]);
  expect(scenario(request('[[scenario:realistic]] seed 12 load 1'), { turn: 4, callIndex: 4 })).toEqual(expected[4]);
});
