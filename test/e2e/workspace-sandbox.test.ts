import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestContentBlock, Scenario } from '../../src/fake-anthropic';
import { eventFor, eventsOfType, promptFor } from '../support/scenario';
import { captureRuntimeLogs } from '../support/temporal-env';
import { useHarness } from '../support/toolstream-harness';

const unique = randomBytes(8).toString('hex');
const absoluteTarget = path.join(os.tmpdir(), `toolstream-abs-${unique}.txt`);
const deepEscapeName = `toolstream-escape-${unique}.txt`;
const maxFileBytes = 64;

const refused: [string, Record<string, string>, RegExp][] = [
  ['toolu_parent', { path: '../escape.txt', content: 'out' }, /escapes the workspace/],
  ['toolu_deep_parent', { path: `src/../../../${deepEscapeName}`, content: 'out' }, /escapes the workspace/],
  ['toolu_absolute', { path: absoluteTarget, content: 'out' }, /Absolute paths are not allowed/],
  ['toolu_nul', { path: 'nul\0.txt', content: 'out' }, /NUL byte/],
  ['toolu_too_big', { path: 'big.txt', content: 'x'.repeat(maxFileBytes + 1) }, /too large/],
];

const scenarios: Record<string, Scenario> = {
  escape: [
    {
      steps: [
        ...refused.map(([id, input]) => ({ type: 'tool_use' as const, id, name: 'write_file', input })),
        { type: 'tool_use', id: 'toolu_fine', name: 'write_file', input: { path: 'ok.txt', content: 'inside' } },
      ],
    },
    { steps: [{ type: 'text', text: 'Done.' }] },
  ],
};

// The refused tool calls are logged as failed activities; expected here, so kept off stderr.
const runtimeLogs = captureRuntimeLogs({ quiet: true });
const harness = useHarness({ scenarios, env: { TOOLSTREAM_MAX_FILE_BYTES: String(maxFileBytes) } });

afterAll(() => {
  fs.rmSync(absoluteTarget, { force: true });
  runtimeLogs.stop();
});

test('writes out of the workspace come back to the model as is_error results, once, and nothing lands outside', async () => {
  const id = await harness.api.create(promptFor('escape'));
  const events = await harness.api.pollToEnd(id);
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');

  // The model's next request carries one tool_result per call: errors for the refused ones.
  const followUp = harness.fake.requests.find((request) => request.scenario === 'escape' && request.turn === 1);
  const lastMessage = followUp?.body.messages.at(-1);
  expect(lastMessage?.role).toBe('user');
  const results = new Map((lastMessage?.content as RequestContentBlock[]).map((block) => [block.tool_use_id as string, block]));
  expect([...results.keys()]).toEqual([...refused.map(([toolUseId]) => toolUseId), 'toolu_fine']);
  for (const [toolUseId, , message] of refused) {
    expect(results.get(toolUseId)).toMatchObject({ type: 'tool_result', is_error: true, content: expect.stringMatching(message) });
    // Refusals are final: one attempt, no retry.
    expect(eventFor(events, 'tool.failed', toolUseId)).toMatchObject({ attempt: 1, willRetry: false });
    expect(eventsOfType(events, 'tool.started').filter((event) => event.toolUseId === toolUseId)).toHaveLength(1);
  }
  expect(results.get('toolu_fine')).toMatchObject({ type: 'tool_result', content: 'Wrote 6 bytes to ok.txt' });
  expect(results.get('toolu_fine')?.is_error).toBeUndefined();

  const workspace = harness.workspaceOf(id);
  // Besides the file, only the writers' effect journal (hidden from list_files).
  expect(fs.readdirSync(workspace).sort()).toEqual(['.toolstream', 'ok.txt']);
  // The workspace's parent holds only the generations' workspaces; above it nothing was created either.
  expect(fs.readdirSync(path.dirname(workspace))).toEqual([id]);
  expect(fs.existsSync(path.join(path.dirname(path.dirname(workspace)), deepEscapeName))).toBe(false);
  expect(fs.existsSync(absoluteTarget)).toBe(false);
});
