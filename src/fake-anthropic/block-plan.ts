import { splitJson, splitText } from './chunking';
import { serverToolUseId, toolUseId } from './ids';
import { DEFAULT_CHUNK_CHARS } from './turn-defaults';
import type { ScriptedTurn, ScriptStep } from './types';

export interface PlannedDelta {
  delta: Record<string, unknown>;
  /** Characters this delta adds, for pacing and the output-token estimate. */
  chars: number;
}

/** One content block: what content_block_start carries, its deltas, and the finished block. */
export interface BlockPlan {
  type: string;
  start: Record<string, unknown>;
  deltas: PlannedDelta[];
  /** Streaming stops inside this block: no content_block_stop, turn ends as max_tokens. */
  cut: boolean;
  /** The block as a non-streaming response would return it. */
  complete: Record<string, unknown>;
}

export interface BlockPlanContext {
  scenario: string;
  turn: number;
  stepIndex: number;
  chunkChars: number;
  jsonChunking: 'random' | number;
}

export function blockPlanContext(script: ScriptedTurn, scenario: string, turn: number, stepIndex: number): BlockPlanContext {
  return { scenario, turn, stepIndex, chunkChars: script.chunkChars ?? DEFAULT_CHUNK_CHARS, jsonChunking: script.jsonChunking ?? 'random' };
}

type BlockStep = Extract<ScriptStep, { type: 'text' | 'thinking' | 'redacted_thinking' | 'tool_use' | 'server_tool_use' | 'web_search_tool_result' }>;

export function isBlockStep(step: ScriptStep): step is BlockStep {
  return ['text', 'thinking', 'redacted_thinking', 'tool_use', 'server_tool_use', 'web_search_tool_result'].includes(step.type);
}

export function planBlock(step: BlockStep, ctx: BlockPlanContext): BlockPlan {
  switch (step.type) {
    case 'text':
      return {
        type: 'text',
        start: { type: 'text', text: '' },
        deltas: splitText(step.text, ctx.chunkChars).map((text) => ({ delta: { type: 'text_delta', text }, chars: text.length })),
        cut: false,
        complete: { type: 'text', text: step.text },
      };
    case 'thinking':
      return {
        type: 'thinking',
        start: { type: 'thinking', thinking: '', signature: '' },
        deltas: [
          ...splitText(step.thinking, ctx.chunkChars).map((thinking) => ({ delta: { type: 'thinking_delta', thinking }, chars: thinking.length })),
          // The API sends the whole signature in a single delta just before the block stops.
          { delta: { type: 'signature_delta', signature: step.signature }, chars: 0 },
        ],
        cut: false,
        complete: { type: 'thinking', thinking: step.thinking, signature: step.signature },
      };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', start: { type: 'redacted_thinking', data: step.data }, deltas: [], cut: false, complete: { type: 'redacted_thinking', data: step.data } };
    case 'tool_use': {
      const id = step.id ?? toolUseId(ctx.scenario, ctx.turn, ctx.stepIndex);
      const json = step.rawJson ?? (step.input === undefined ? '' : JSON.stringify(step.input));
      let deltas = jsonDeltas(json, ctx);
      // Hitting max_tokens mid-block means the client only ever sees a prefix of the JSON.
      if (step.cut) deltas = deltas.slice(0, Math.ceil(deltas.length / 2));
      return {
        type: 'tool_use',
        start: { type: 'tool_use', id, name: step.name, input: {} },
        deltas,
        cut: step.cut === true,
        complete: { type: 'tool_use', id, name: step.name, input: completeInput(step.input, step.rawJson) },
      };
    }
    case 'server_tool_use': {
      const id = step.id ?? serverToolUseId(ctx.scenario, ctx.turn, ctx.stepIndex);
      return {
        type: 'server_tool_use',
        start: { type: 'server_tool_use', id, name: step.name, input: {} },
        deltas: jsonDeltas(JSON.stringify(step.input ?? {}), ctx),
        cut: false,
        complete: { type: 'server_tool_use', id, name: step.name, input: step.input ?? {} },
      };
    }
    case 'web_search_tool_result': {
      const block = { type: 'web_search_tool_result', tool_use_id: step.toolUseId, content: step.content };
      return { type: 'web_search_tool_result', start: block, deltas: [], cut: false, complete: block };
    }
  }
}

function jsonDeltas(json: string, ctx: BlockPlanContext): PlannedDelta[] {
  if (json === '') return [];
  return splitJson(json, ctx.jsonChunking, `json:${ctx.scenario}/${ctx.turn}/${ctx.stepIndex}`).map((partial_json) => ({
    delta: { type: 'input_json_delta', partial_json },
    chars: partial_json.length,
  }));
}

// A non-streaming response cannot carry malformed JSON, so fall back to an empty object.
function completeInput(input: unknown, rawJson: string | undefined): unknown {
  if (rawJson === undefined) return input ?? {};
  try {
    return JSON.parse(rawJson) as unknown;
  } catch {
    return {};
  }
}
