import { AiActivityKind, type AiActivity } from './ai-activity';
import { ToolStatus, type GenerationState, type ToolState } from './state';

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
    case AiActivityKind.awaitingApproval:
      return `✋ ${names} waits for approval: approve or deny?`;
    default:
      return '';
  }
}

/** Like describeActivity, each tool named by its summary (`⏳ Running write_file src/app.js…`), from the state's tool rows. */
export function describeDoing(state: GenerationState): string {
  const { activity } = state;
  const matches: (tool: ToolState) => boolean =
    activity.kind === AiActivityKind.waitingForTools
      ? (tool) => tool.status === ToolStatus.pending
      : activity.kind === AiActivityKind.awaitingDecision
        ? (tool) => tool.awaitingDecisionUntil !== null
        : (tool) => tool.status === ToolStatus.running;
  const summaries = state.tools.filter(matches).map((tool) => tool.summary || tool.name);
  // The activity is what the workflow said; rows may lag or lead it by an event, so its names stand in for none.
  return describeActivity({ ...activity, tools: summaries.length > 0 || activity.tools.length === 0 ? summaries : activity.tools });
}
