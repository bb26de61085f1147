import type { Usage } from './usage';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheRead: number;
}

export interface PriceTable {
  /** The day these prices were read off their source. */
  asOf: string;
  source: string;
  models: Record<string, ModelPrice>;
}

/**
 * Anthropic's list prices, read off the model overview pages on the day below. A deployment whose
 * prices differ (a newer model, a negotiated rate) overrides the table with TOOLSTREAM_PRICES_FILE.
 */
export const defaultPriceTable: PriceTable = {
  asOf: '2026-11-22',
  source: 'https://platform.claude.com/docs/en/models/overview (per-model pages, "Pricing")',
  models: {
    'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite5m: 2.5, cacheRead: 0.2 },
    'claude-sonnet-5': { input: 2, output: 10, cacheWrite5m: 2.5, cacheRead: 0.2 },
    'claude-opus-5': { input: 5, output: 25, cacheWrite5m: 6.25, cacheRead: 0.5 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheWrite5m: 1.25, cacheRead: 0.1 },
  },
};

/** Model ids may carry a date suffix (claude-haiku-4-5-20251001); they are priced as their family. */
export function findPrice(table: PriceTable, model: string): ModelPrice | undefined {
  // Own keys only: a model named "constructor" must not find Object.prototype's.
  const undated = model.replace(/-\d{8}$/, '');
  const key = Object.hasOwn(table.models, model) ? model : undated;
  return Object.hasOwn(table.models, key) ? table.models[key] : undefined;
}

/** US dollars; null for a model with no known price: an unknown cost must never read as $0. */
export function costUsd(price: ModelPrice | undefined, usage: Usage): number | null {
  if (!price) return null;
  const perToken =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheCreationInputTokens * price.cacheWrite5m +
    usage.cacheReadInputTokens * price.cacheRead;
  return perToken / 1_000_000;
}
