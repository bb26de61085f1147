import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RequestMessage, Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { historyFigures } from '../support/history-payloads';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

/** Text of `bytes` ASCII characters that does not compress to nothing: numbered lines of words. */
function bulkText(bytes: number, seed: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `${seed} line ${i}: the quick brown fox jumps over the lazy dog ${(i * 7919) % 10007}\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('').slice(0, bytes);
}

const bigFile = bulkText(700 * 1024, 'big');
const threshold = 128 * 1024;

function toolTurn(id: string, name: string, input: unknown): ScriptedTurn {
  return { steps: [{ type: 'text', text: `Calling ${name}. ` }, { type: 'tool_use', id, name, input }] };
}

const scenarios: Record<string, Scenario> = {
  // The case that never ended: a 700 KB write, then three reads of it, ~2.8 MB of conversation.
  writeThenRead: [
    toolTurn('toolu_write', 'write_file', { path: 'big.txt', content: bigFile }),
    toolTurn('toolu_read_1', 'read_file', { path: 'big.txt' }),
    toolTurn('toolu_read_2', 'read_file', { path: 'big.txt' }),
    toolTurn('toolu_read_3', 'read_file', { path: 'big.txt' }),
    { steps: [{ type: 'text', text: 'Read it three times.' }] },
  ],
};

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let harness: Harness;

beforeAll(async () => {
  env = await createTemporalEnv();
  bundle = await bundleWorkflows();
  harness = await startHarness(env, bundle, { scenarios });
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

function textOf(message: RequestMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((block) => JSON.stringify(block)).join('');
}

test('a 700 KB file written and read back three times completes, and the last request holds the whole conversation', async () => {
  const id = await harness.api.create(promptFor('writeThenRead'));
  await harness.api.pollToEnd(id, { timeoutMs: 60_000 });
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.tools.map((tool) => [tool.id, tool.status])).toEqual([
    ['toolu_write', 'completed'],
    ['toolu_read_1', 'completed'],
    ['toolu_read_2', 'completed'],
    ['toolu_read_3', 'completed'],
  ]);

  const requests = harness.fake.requests.filter((request) => request.scenario === 'writeThenRead');
  const last = requests.at(-1)?.body.messages ?? [];
  expect(last.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  const write = last[1].content as Array<{ type: string; input?: { content?: string } }>;
  expect(write.find((block) => block.type === 'tool_use')?.input?.content).toBe(bigFile);
  for (const reply of [last[4], last[6], last[8]]) {
    const result = (reply.content as Array<{ type: string; content?: unknown }>).find((block) => block.type === 'tool_result');
    expect(result?.content).toBe(bigFile);
  }
  expect(last.map(textOf).join('').length).toBeGreaterThan(4 * bigFile.length);

  // Temporal holds references: no payload above the claim-check threshold is in the history.
  const figures = await historyFigures(env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(threshold);
  expect(figures.bytes).toBeLessThan(bigFile.length);

  // The transcript route serves the conversation exactly as last sent, plus the final answer.
  const transcript = await harness.api.request<{ total: number; messages: unknown[]; nextOffset: number | null }>('GET', `/v1/generations/${id}/transcript?limit=500`);
  expect(transcript.status).toBe(200);
  expect(transcript.body.total).toBe(last.length + 1);
  const pages: unknown[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: { body: { messages: unknown[]; nextOffset: number | null } } = await harness.api.request('GET', `/v1/generations/${id}/transcript?offset=${offset}&limit=2`);
    pages.push(...page.body.messages);
    offset = page.body.nextOffset;
  }
  expect(pages.slice(0, last.length)).toEqual(last);
  expect(pages.at(-1)).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Read it three times.' }] });
}, 120_000);
