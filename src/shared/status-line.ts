import { AiActivityKind, type AiActivity } from './ai-activity';
import type { GenerationState } from './state';

/** The figures of the status line, from the state and a clock (elapsed time runs while the generation does). */
export interface StatusFigures {
  elapsedMs: number;
  iteration: number;
  tokens: number;
  costUsd: number | null;
}

export function statusFigures(state: GenerationState, nowMs: number): StatusFigures {
  const started = state.startedAt ? Date.parse(state.startedAt) : nowMs;
  const ended = state.finishedAt ? Date.parse(state.finishedAt) : nowMs;
  const { inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens } = state.usage;
  return {
    elapsedMs: Math.max(0, ended - started),
    iteration: state.iteration,
    // Every token the generation was billed for, cache reads and writes included.
    tokens: inputTokens + outputTokens + cacheReadInputTokens + cacheCreationInputTokens,
    costUsd: state.costUsd,
  };
}

/** `⏱ 12s | Iteration 3 | Tokens: 2,456 | Cost: $0.0234`, the same in the terminal and the browser. */
export function formatStatusLine(figures: StatusFigures): string {
  const seconds = Math.floor(figures.elapsedMs / 1000);
  const tokens = Math.round(figures.tokens).toLocaleString('en-US');
  return `⏱ ${seconds}s | Iteration ${figures.iteration} | Tokens: ${tokens} | Cost: ${figures.costUsd === null ? 'unknown' : `$${figures.costUsd.toFixed(4)}`}`;
}

/** What the AI is doing, in words, with the icon the design uses for it; empty when it does nothing. */
export function describeActivity(activity: AiActivity): string {
  const names = activity.tools.join(', ');
  switch (activity.kind) {
    case AiActivityKind.thinking:
      return names ? `💭 Thinking… (running ${names})` : '💭 Thinking…';
    case AiActivityKind.streaming:
      return names ? `⌨ Writing… (running ${names})` : '⌨ Writing…';
    case AiActivityKind.executingTools:
      return `⏳ Running ${names}…`;
    case AiActivityKind.waitingForTools:
      return `⏰ Waiting for ${names}…`;
    case AiActivityKind.awaitingDecision:
      return `✋ ${names} failed: retry or skip?`;
    default:
      return '';
  }
}
