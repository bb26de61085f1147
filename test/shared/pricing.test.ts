import { costUsd, defaultPriceTable, findPrice, type PriceTable } from '../../src/shared/pricing';
import { zeroUsage, type Usage } from '../../src/shared/usage';

const table: PriceTable = {
  asOf: '2026-01-01',
  source: 'test',
  models: {
    'claude-haiku-4-5': { input: 1, output: 5, cacheWrite5m: 1.25, cacheRead: 0.1 },
    // A dated id listed on its own is priced as listed, not as its family.
    'claude-haiku-4-5-20251001': { input: 0.5, output: 2.5, cacheWrite5m: 0.625, cacheRead: 0.05 },
    'claude-opus-5': { input: 5, output: 25, cacheWrite5m: 6.25, cacheRead: 0.5 },
  },
};

function usage(overrides: Partial<Usage>): Usage {
  return { ...zeroUsage, ...overrides };
}

describe('findPrice', () => {
  test('finds a model by its exact id', () => {
    expect(findPrice(table, 'claude-opus-5')).toEqual({ input: 5, output: 25, cacheWrite5m: 6.25, cacheRead: 0.5 });
  });

  test('prices a dated model id as its family', () => {
    expect(findPrice(table, 'claude-opus-5-20260115')).toBe(table.models['claude-opus-5']);
    expect(findPrice(defaultPriceTable, 'claude-haiku-4-5-20251001')).toBe(defaultPriceTable.models['claude-haiku-4-5']);
  });

  test('an exact entry for a dated id wins over its family', () => {
    expect(findPrice(table, 'claude-haiku-4-5-20251001')).toBe(table.models['claude-haiku-4-5-20251001']);
  });

  test.each(['claude-unknown-9', 'claude-opus-5-2026', 'claude-opus-5-20260115-beta', 'claude-opus', ''])('%p has no price', (model) => {
    expect(findPrice(table, model)).toBeUndefined();
  });

  test('the default table prices the default model', () => {
    expect(findPrice(defaultPriceTable, 'claude-sonnet-5-5')).toEqual({ input: 2, output: 10, cacheWrite5m: 2.5, cacheRead: 0.2 });
  });
});

describe('costUsd', () => {
  test('prices each kind of token per million at its own rate', () => {
    const price = table.models['claude-haiku-4-5'];
    expect(costUsd(price, usage({ inputTokens: 1_000_000 }))).toBeCloseTo(1, 12);
    expect(costUsd(price, usage({ outputTokens: 1_000_000 }))).toBeCloseTo(5, 12);
    expect(costUsd(price, usage({ cacheCreationInputTokens: 1_000_000 }))).toBeCloseTo(1.25, 12);
    expect(costUsd(price, usage({ cacheReadInputTokens: 1_000_000 }))).toBeCloseTo(0.1, 12);
  });

  test('sums the four kinds', () => {
    const price = table.models['claude-opus-5'];
    // 1180*5 + 48*25 + 950*0.5 + 200*6.25 = 5900 + 1200 + 475 + 1250 = 8825 micro-dollars
    const cost = costUsd(price, { inputTokens: 1180, outputTokens: 48, cacheReadInputTokens: 950, cacheCreationInputTokens: 200 });
    expect(cost).toBeCloseTo(0.008825, 12);
  });

  test('an unknown model has an unknown cost (null, never $0) rather than failing the turn', () => {
    const price = findPrice(table, 'claude-unknown-9');
    expect(costUsd(price, usage({ inputTokens: 5000, outputTokens: 5000 }))).toBeNull();
  });

  test('no tokens cost nothing', () => {
    expect(costUsd(table.models['claude-opus-5'], zeroUsage)).toBe(0);
  });
});

test('model names that are Object.prototype properties are not prices', () => {
  expect(findPrice(defaultPriceTable, 'constructor')).toBeUndefined();
  expect(findPrice(defaultPriceTable, 'toString-20251001')).toBeUndefined();
});
