import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes the generation workflow keeps up to date, so the API can list generations
 * from Temporal's visibility store (and the Web UI can filter by them). Names fixed across the project.
 */
export const searchAttributeKeys = {
  status: defineSearchAttributeKey('ToolstreamStatus', SearchAttributeType.KEYWORD),
  model: defineSearchAttributeKey('ToolstreamModel', SearchAttributeType.KEYWORD),
  costUsd: defineSearchAttributeKey('ToolstreamCostUsd', SearchAttributeType.DOUBLE),
  iterations: defineSearchAttributeKey('ToolstreamIterations', SearchAttributeType.INT),
  toolFailures: defineSearchAttributeKey('ToolstreamToolFailures', SearchAttributeType.INT),
  /** The first line of the prompt, cut short: what a list shows. */
  title: defineSearchAttributeKey('ToolstreamTitle', SearchAttributeType.TEXT),
} as const;

/** Temporal's type names, for registering the attributes on a server (`temporal … --search-attribute Name=Type`). */
export const searchAttributeRegistrations: ReadonlyArray<[string, string]> = Object.values(searchAttributeKeys).map((key) => [
  key.name,
  { KEYWORD: 'Keyword', DOUBLE: 'Double', INT: 'Int', TEXT: 'Text', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' }[key.type],
]);

export const maxTitleLength = 80;

export function titleOf(prompt: string): string {
  const line = prompt.trim().split('\n', 1)[0] ?? '';
  return line.length > maxTitleLength ? `${line.slice(0, maxTitleLength - 1)}…` : line;
}
