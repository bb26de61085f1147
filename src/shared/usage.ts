/** Token counts as Anthropic reports them, summed over iterations in the generation state. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

export const zeroUsage: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadInputTokens: 0,
  cacheCreationInputTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens + b.cacheReadInputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens + b.cacheCreationInputTokens,
  };
}

/** `a` less `b`, field by field: takes a turn's live figures back out of the running total. */
export function subtractUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens - b.inputTokens,
    outputTokens: a.outputTokens - b.outputTokens,
    cacheReadInputTokens: a.cacheReadInputTokens - b.cacheReadInputTokens,
    cacheCreationInputTokens: a.cacheCreationInputTokens - b.cacheCreationInputTokens,
  };
}

/** A model turn's usage so far, as the stream's usage events report it (cumulative within the turn), and its cost. */
export interface LiveUsage {
  usage: Usage;
  /** null for a model with no known price. */
  costUsd: number | null;
}
