import type { GenerationEvent } from './events';
import { GenerationStatus, initialState, maxStateTextChars, maxStateThinkingChars, ToolStatus, type GenerationState, type ToolState } from './state';
import { addUsage, subtractUsage } from './usage';

/**
 * The one reducer: the workflow folds every event it emits through it, and any client can fold the
 * events it polls through it to arrive at the same state. Pure: returns a new state, never mutates.
 */
export function reduce(state: GenerationState, event: GenerationEvent): GenerationState {
  const next = applyEvent(state, event);
  return next.lastSeq === event.seq ? next : { ...next, lastSeq: event.seq };
}

function applyEvent(state: GenerationState, event: GenerationEvent): GenerationState {
  switch (event.type) {
    case 'generation.started':
      return {
        ...state,
        generationId: event.generationId,
        prompt: event.prompt,
        model: event.model,
        maxIterations: event.maxIterations,
        policy: event.policy ?? null,
        maxCostUsd: event.maxCostUsd ?? null,
        status: GenerationStatus.running,
        startedAt: event.at,
      };
    case 'iteration.started':
      return { ...state, iteration: event.iteration, iterationTextStart: state.text.length, thinking: '' };
    case 'activity.changed':
      return { ...state, activity: event.activity };
    case 'text.delta':
      return withText(state, state.text + event.text);
    case 'attempt.failed': {
      // What the attempt cost replaces what its stream showed live, so it counts once.
      const live = state.liveTurn;
      const base = live && live.iteration === event.iteration && live.attempt === event.attempt ? withoutLiveTurn(state) : state;
      return { ...base, usage: addUsage(base.usage, event.usage), costUsd: addCost(base.costUsd, event.costUsd) };
    }
    case 'thinking.delta':
      return { ...state, thinking: ((state.thinking ?? '') + event.text).slice(-maxStateThinkingChars) };
    case 'attempt.superseded':
      return { ...withoutLiveTurn(state), text: state.text.slice(0, state.iterationTextStart), thinking: '' };
    case 'usage.updated': {
      const base = withoutLiveTurn(state);
      return {
        ...base,
        usage: addUsage(base.usage, event.usage),
        costUsd: addCost(base.costUsd, event.costUsd),
        liveTurn: { iteration: event.iteration, attempt: event.attempt, usage: event.usage, costUsd: event.costUsd },
      };
    }
    case 'tool.detected':
      return {
        ...state,
        tools: [
          ...state.tools,
          {
            id: event.toolUseId,
            name: event.name,
            input: event.input,
            summary: event.summary,
            iteration: event.iteration,
            status: ToolStatus.pending,
            attempts: 0,
            detectedAt: event.at,
            startedAt: null,
            completedAt: null,
            resultPreview: null,
            error: null,
            awaitingDecisionUntil: null,
            awaitingApprovalUntil: null,
            ...(event.modelToolUseId !== undefined ? { modelToolUseId: event.modelToolUseId } : {}),
          },
        ],
      };
    case 'tool.started':
      return updateTool(state, event.toolUseId, (tool) => ({
        ...tool,
        status: ToolStatus.running,
        attempts: event.attempt,
        startedAt: tool.startedAt ?? event.at,
        error: null,
      }));
    case 'tool.completed':
      return updateTool(state, event.toolUseId, (tool) => ({
        ...tool,
        status: ToolStatus.completed,
        attempts: event.attempt,
        completedAt: event.at,
        resultPreview: event.resultPreview,
        error: null,
      }));
    case 'tool.failed':
      return updateTool(state, event.toolUseId, (tool) => ({
        ...tool,
        status: event.willRetry ? ToolStatus.pending : ToolStatus.failed,
        attempts: event.attempt,
        completedAt: event.willRetry ? null : event.at,
        error: event.error,
      }));
    case 'tool.interrupted':
      return updateTool(state, event.toolUseId, (tool) => ({
        ...tool,
        status: ToolStatus.interrupted,
        attempts: Math.max(tool.attempts, event.attempt),
        completedAt: event.at,
        awaitingDecisionUntil: null,
        awaitingApprovalUntil: null,
      }));
    case 'tool.awaiting_decision':
      return withDecisionStatus(updateTool(state, event.toolUseId, (tool) => ({ ...tool, awaitingDecisionUntil: event.until })));
    case 'tool.decided':
      return withDecisionStatus(
        updateTool(state, event.toolUseId, (tool) => ({
          ...tool,
          awaitingDecisionUntil: null,
          status: event.decision === 'retry' ? ToolStatus.pending : tool.status,
          completedAt: event.decision === 'retry' ? null : tool.completedAt,
        })),
      );
    case 'tool.awaiting_approval':
      return withDecisionStatus(
        updateTool(state, event.toolUseId, (tool) => ({ ...tool, status: ToolStatus.awaitingApproval, awaitingApprovalUntil: event.until })),
      );
    case 'tool.approved':
      return withDecisionStatus(updateTool(state, event.toolUseId, (tool) => ({ ...tool, status: ToolStatus.pending, awaitingApprovalUntil: null })));
    case 'tool.denied':
      return withDecisionStatus(
        updateTool(state, event.toolUseId, (tool) => ({
          ...tool,
          status: ToolStatus.denied,
          awaitingApprovalUntil: null,
          completedAt: event.at,
          error: event.reason,
        })),
      );
    case 'tool.cancelled':
      return withDecisionStatus(
        updateTool(state, event.toolUseId, (tool) => ({
          ...tool,
          status: ToolStatus.cancelled,
          attempts: Math.max(tool.attempts, event.attempt),
          completedAt: event.at,
          awaitingDecisionUntil: null,
          awaitingApprovalUntil: null,
        })),
      );
    case 'iteration.completed': {
      // The turn's reported figures replace whatever its stream showed live.
      const base = withoutLiveTurn(state);
      return {
        ...base,
        usage: addUsage(base.usage, event.usage),
        costUsd: addCost(base.costUsd, event.costUsd),
        stopReason: event.stopReason,
      };
    }
    case 'generation.blocked':
      // The failed call's live figures go: totals count completed turns only.
      return { ...withoutLiveTurn(state), status: GenerationStatus.blocked, error: event.error, blockedUntil: event.until };
    case 'generation.resumed':
      return withDecisionStatus({ ...state, status: GenerationStatus.running, error: null, errorCode: null, blockedUntil: null });
    case 'message.received':
      return { ...state, status: GenerationStatus.running, error: null, errorCode: null, blockedUntil: null, stopReason: null, finishedAt: null };
    case 'generation.completed':
      return { ...state, status: GenerationStatus.completed, stopReason: event.stopReason, finishedAt: event.at, blockedUntil: null };
    case 'generation.failed':
      return { ...state, status: GenerationStatus.failed, error: event.error, errorCode: event.code ?? null, finishedAt: event.at, blockedUntil: null };
    case 'generation.cancelled':
      return { ...state, status: GenerationStatus.cancelled, stopReason: 'cancelled', error: null, finishedAt: event.at, blockedUntil: null };
    default: {
      // A newer producer may add event types; an older client folds past them rather than crash.
      const unknown: never = event;
      void unknown;
      return state;
    }
  }
}

/** Keeps the tail of the text; where the current iteration starts moves with it (to 0 once its start is cut). */
function withText(state: GenerationState, text: string): GenerationState {
  const overflow = text.length - maxStateTextChars;
  if (overflow <= 0) return { ...state, text };
  return {
    ...state,
    text: text.slice(overflow),
    textOmittedChars: (state.textOmittedChars ?? 0) + overflow,
    iterationTextStart: Math.max(0, state.iterationTextStart - overflow),
  };
}

/** Unknown (null) stays unknown: a cost never reads as less than it is. */
function addCost(total: number | null, cost: number | null): number | null {
  return total === null || cost === null ? null : roundUsd(total + cost);
}

/** Takes the streaming turn's live usage back out of the totals (a newer report or the final one replaces it). */
function withoutLiveTurn(state: GenerationState): GenerationState {
  const live = state.liveTurn;
  if (!live) return state;
  return { ...state, usage: subtractUsage(state.usage, live.usage), costUsd: addCost(state.costUsd, live.costUsd === null ? null : -live.costUsd), liveTurn: null };
}

function updateTool(state: GenerationState, id: string, update: (tool: ToolState) => ToolState): GenerationState {
  const index = state.tools.findIndex((tool) => tool.id === id);
  if (index < 0) return state;
  const tools = state.tools.slice();
  tools[index] = update(tools[index]);
  return { ...state, tools };
}

/** A running generation is `waiting` while some tool waits for a person (a decision or an approval), and back to `running` after. */
function withDecisionStatus(state: GenerationState): GenerationState {
  if (state.status !== GenerationStatus.running && state.status !== GenerationStatus.waiting) return state;
  const waiting = state.tools.some((tool) => tool.awaitingDecisionUntil !== null || tool.status === ToolStatus.awaitingApproval);
  const status = waiting ? GenerationStatus.waiting : GenerationStatus.running;
  return status === state.status ? state : { ...state, status };
}

/** Sums of float prices drift (0.1 + 0.2); a micro-dollar is finer than any price we show. */
function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function foldEvents(events: readonly GenerationEvent[], from: GenerationState = initialState): GenerationState {
  return events.reduce(reduce, from);
}
