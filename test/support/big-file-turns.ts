import type { RequestMessage, ScriptedTurn } from '../../src/fake-anthropic';
import type { StateResponse } from './api-client';
import { promptFor } from './scenario';
import type { Harness } from './toolstream-harness';

/** A turn that says what it calls, then calls one tool. */
export function toolTurn(id: string, name: string, input: unknown): ScriptedTurn {
  return { steps: [{ type: 'text', text: `Calling ${name}. ` }, { type: 'tool_use', id, name, input }] };
}

/** A tool turn whose JSON arrives in large deltas: the SDK parses far fewer events, so megabytes stream in seconds. */
export function bigToolTurn(id: string, name: string, input: unknown): ScriptedTurn {
  return { ...toolTurn(id, name, input), jsonChunking: 4096 };
}

/** The case that never ended: `content` written to big.txt, read back three times, then a closing answer. */
export function writeThenReadTurns(content: string, turn: typeof toolTurn = toolTurn): ScriptedTurn[] {
  return [
    turn('toolu_write', 'write_file', { path: 'big.txt', content }),
    turn('toolu_read_1', 'read_file', { path: 'big.txt' }),
    turn('toolu_read_2', 'read_file', { path: 'big.txt' }),
    turn('toolu_read_3', 'read_file', { path: 'big.txt' }),
    { steps: [{ type: 'text', text: 'Read it three times.' }] },
  ];
}

/**
 * Plays the scenario of writeThenReadTurns to its end and checks that it completed with the write and the
 * three reads; gives its state and the messages of the last request the model got.
 */
export async function runWriteThenRead(harness: Harness, scenario: string, timeoutMs: number): Promise<{ id: string; state: StateResponse; last: RequestMessage[] }> {
  const id = await harness.api.create(promptFor(scenario));
  await harness.api.pollToEnd(id, { timeoutMs });
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.tools.map((tool) => [tool.id, tool.status])).toEqual([
    ['toolu_write', 'completed'],
    ['toolu_read_1', 'completed'],
    ['toolu_read_2', 'completed'],
    ['toolu_read_3', 'completed'],
  ]);
  const last = harness.fake.requests.filter((request) => request.scenario === scenario).at(-1)?.body.messages ?? [];
  return { id, state, last };
}
