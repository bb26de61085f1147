import type { FakeAnthropicOptions, MessagesRequestBody, Scenario, ScenarioContext, ScriptedTurn } from './types';

/** Name recorded for requests served by `defaultScenario`. */
export const DEFAULT_SCENARIO_NAME = 'default';
export const SCRIPT_FINISHED_TEXT = '(script finished)';

const SCENARIO_TAG = /\[\[scenario:([^\]]+)\]\]/;

/**
 * The tag lives in the first user message because that message is stable across
 * every turn of a conversation, so all its requests hit the same scenario.
 */
export function scenarioTag(request: MessagesRequestBody): string | undefined {
  const first = request.messages.find((m) => m.role === 'user');
  if (!first) return undefined;
  const text = typeof first.content === 'string' ? first.content : first.content.find((b) => b.type === 'text')?.text;
  return typeof text === 'string' ? SCENARIO_TAG.exec(text)?.[1]?.trim() : undefined;
}

/** Counting assistant messages (not requests) makes a retried request replay its turn. */
export function countAssistantTurns(request: MessagesRequestBody): number {
  return request.messages.filter((m) => m.role === 'assistant').length;
}

export type ScenarioLookup = { ok: true; name: string; scenario: Scenario } | { ok: false; name: string; message: string };

export function selectScenario(request: MessagesRequestBody, options: FakeAnthropicOptions): ScenarioLookup {
  const tag = scenarioTag(request);
  if (tag !== undefined) {
    // hasOwn: a tag like "constructor" must not resolve to an Object.prototype member.
    if (!options.scenarios || !Object.hasOwn(options.scenarios, tag)) {
      const known = Object.keys(options.scenarios ?? {}).join(', ') || '(none)';
      return { ok: false, name: tag, message: `fake-anthropic: unknown scenario "${tag}" (known: ${known})` };
    }
    return { ok: true, name: tag, scenario: options.scenarios[tag] };
  }
  if (options.defaultScenario === undefined) {
    return {
      ok: false,
      name: DEFAULT_SCENARIO_NAME,
      message: 'fake-anthropic: no [[scenario:NAME]] tag in the first user message and no defaultScenario configured',
    };
  }
  return { ok: true, name: DEFAULT_SCENARIO_NAME, scenario: options.defaultScenario };
}

export function resolveScriptedTurn(scenario: Scenario, request: MessagesRequestBody, ctx: ScenarioContext): ScriptedTurn {
  if (typeof scenario === 'function') return scenario(request, ctx);
  return scenario[ctx.turn] ?? scriptFinishedTurn();
}

/** A harmless final answer, so a conversation that outlives its script ends cleanly. */
export function scriptFinishedTurn(): ScriptedTurn {
  return { steps: [{ type: 'text', text: SCRIPT_FINISHED_TEXT }], stopReason: 'end_turn' };
}
