import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { GenerationStatus, type GenerationState } from './state';

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

/**
 * `ToolstreamStatus`: the generation's status, except that a generation waiting for a person's
 * decision on a tool (retry/skip, approval) is `awaiting_decision`, so operators find those apart
 * from ones that wait on nothing but time. A query by the API's `waiting` takes both.
 */
export const SearchStatus = { ...GenerationStatus, awaitingDecision: 'awaiting_decision' } as const;
export type SearchStatus = (typeof SearchStatus)[keyof typeof SearchStatus];

export function searchStatusOf(state: GenerationState): SearchStatus {
  if (state.status !== GenerationStatus.waiting) return state.status;
  const deciding = state.tools.some((tool) => tool.awaitingDecisionUntil !== null || (tool.status as string) === 'awaiting_approval');
  return deciding ? SearchStatus.awaitingDecision : GenerationStatus.waiting;
}

/** The visibility query clause for a status as the API names it. */
export function statusClause(status: GenerationStatus): string {
  const name = searchAttributeKeys.status.name;
  if (status === GenerationStatus.waiting) return `${name} IN ('${GenerationStatus.waiting}', '${SearchStatus.awaitingDecision}')`;
  return `${name} = '${status}'`;
}

/** Back from the attribute to the API's status. */
export function generationStatusOfSearch(value: string): string {
  return value === SearchStatus.awaitingDecision ? GenerationStatus.waiting : value;
}
