import fs from 'node:fs';
import type { RecordedRequest } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { foldEvents } from '../../src/shared/reducer';
import type { StateResponse } from '../support/api-client';
import { eventsOfType } from '../support/scenario';

/** The `count` tool's counters in one workspace: key to how often that key was counted. */
export function readCounters(workspace: string): Record<string, number> {
  const counters: Record<string, number> = {};
  if (!fs.existsSync(workspace)) return counters;
  for (const file of fs.readdirSync(workspace)) {
    const match = /^\.count-(.+)$/.exec(file);
    if (match) counters[match[1]] = Number(fs.readFileSync(`${workspace}/${file}`, 'utf8'));
  }
  return counters;
}

/**
 * What the Messages API would reject in these requests: every assistant tool_use needs exactly one
 * tool_result in the user message right after it, and no tool_result may answer anything else.
 */
export function toolResultProblems(requests: readonly RecordedRequest[]): string[] {
  const problems: string[] = [];
  for (const [r, request] of requests.entries()) {
    const messages = request.body.messages;
    for (const [i, message] of messages.entries()) {
      if (message.role !== 'assistant' || typeof message.content === 'string') continue;
      const uses = message.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
      if (uses.length === 0) continue;
      const next = messages[i + 1];
      if (!next) continue; // an assistant prefill; requests from the product never end on one
      const results =
        next.role === 'user' && typeof next.content !== 'string'
          ? next.content.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id))
          : [];
      const sortedUses = [...uses].sort();
      const sortedResults = [...results].sort();
      if (JSON.stringify(sortedUses) !== JSON.stringify(sortedResults)) {
        problems.push(`request ${r}, message ${i}: tool_use ids ${JSON.stringify(uses)} answered by tool_results ${JSON.stringify(results)}`);
      }
    }
  }
  return problems;
}

/**
 * Tool calls the generation ran (or rejected) that the model never heard of: a tool_use it sent that
 * is missing from the conversation of the model's last request. A tool whose result the model
 * never sees is a side effect the model may well ask for again.
 */
export function toolsUnknownToModel(toolIds: readonly string[], requests: readonly RecordedRequest[]): string[] {
  const last = requests[requests.length - 1];
  const known = new Set<string>();
  for (const message of last?.body.messages ?? []) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const block of message.content) if (block.type === 'tool_use') known.add(String(block.id));
  }
  return toolIds.filter((id) => !known.has(id));
}

/** The events in brief, text left out: enough to see what happened around a crash. */
export function timeline(events: GenerationEvent[]): string[] {
  const start = events.length > 0 ? Date.parse(events[0].at) : 0;
  return events
    .filter((event) => event.type !== 'text.delta' && event.type !== 'activity.changed')
    .map((event) => {
      const { seq, at, type, ...rest } = event;
      const detail = 'toolUseId' in rest ? `${rest.toolUseId}${'attempt' in rest ? ` #${rest.attempt}` : ''}` : JSON.stringify(rest).slice(0, 80);
      return `${seq} +${((Date.parse(at) - start) / 1000).toFixed(1)}s ${type} ${detail}`;
    });
}

/** Runs the assertions; a failure also shows what happened around the crash. */
export function withEvidence(evidence: unknown, assertions: () => void): void {
  try {
    assertions();
  } catch (err) {
    if (err instanceof Error) err.message += `\n\nWhat happened: ${JSON.stringify(evidence, null, 2)}`;
    throw err;
  }
}

export interface CrashOutcome {
  /** Every event the poller received, in order. */
  events: GenerationEvent[];
  /** How many of them it had when the crash happened. */
  eventsAtCrash: number;
  /** GET /v1/generations/:id once it finished. */
  state: StateResponse;
  /** The `count` counters in the generation's workspace. */
  counters: Record<string, number>;
  /** What the fake model received for this generation, in order. */
  requests: RecordedRequest[];
}

/**
 * What must hold however a crash fell: the generation completed; no tool call's effect happened twice
 * (no counter above 1: `count` journals its write by idempotency key, as every side-effecting tool must,
 * so a retried attempt does not count again but a call dispatched twice would) and every count the model asked for ran; the model heard of every tool that ran, each
 * with one result; and the events the poller collected across the crash fold to the served state.
 * Every broken rule is listed at once, so one run shows the whole damage.
 */
export function expectSurvivedCrash(outcome: CrashOutcome): void {
  const { events, state, counters, requests } = outcome;
  const problems: string[] = [];
  if (state.status !== 'completed') problems.push(`generation ${state.status}, not completed`);
  const askedKeys = new Set(
    eventsOfType(events, 'tool.detected')
      .filter((event) => event.name === 'count')
      .map((event) => (event.input as { key: string }).key),
  );
  for (const key of askedKeys) if (counters[key] === undefined) problems.push(`count ${key} was asked for but never ran`);
  for (const [key, times] of Object.entries(counters)) if (times !== 1) problems.push(`count ${key} ran ${times} times`);
  for (const id of toolsUnknownToModel(state.tools.map((tool) => tool.id), requests)) problems.push(`tool ${id} ran, but the model never heard of it`);
  problems.push(...toolResultProblems(requests));
  // Gap-free and in order is checked by the poller as it goes.
  if (events.length <= outcome.eventsAtCrash) problems.push('no events after the crash');
  expect(problems).toEqual([]);
  const { elapsedMs: _elapsed, ...served } = state;
  expect(foldEvents(events)).toEqual(served);
}
