import type { Scenario } from '../../src/fake-anthropic';
import { modelStreamSignal } from '../../src/shared/definitions';
import { workflowIdFor } from '../../src/shared/generation';
import type { StreamProgress } from '../../src/shared/model-turn';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const threeMegabytes = 'x'.repeat(3 * 1024 * 1024);

const scenarios: Record<string, Scenario> = {
  hugeInput: [
    {
      steps: [
        { type: 'text', text: 'Writing a large file. ' },
        { type: 'tool_use', id: 'toolu_huge', name: 'write_file', input: { path: 'huge.txt', content: threeMegabytes } },
      ],
      // The input arrives in 64 KB deltas: a model streams fast, and the fake's default 1-12 byte pieces would take minutes.
      jsonChunking: 65_536,
    },
    { steps: [{ type: 'text', text: 'never asked' }] },
  ],
  slow: [{ steps: [{ type: 'text', text: 'Thinking it over. ' }, { type: 'pause', ms: 60_000 }, { type: 'text', text: 'done' }] }],
};

// The claim check off: what is still over Temporal's payload limit must end the generation, not hang it.
const harness = useHarness({ scenarios, env: { TOOLSTREAM_CLAIM_CHECK: 'off', TOOLSTREAM_MAX_FILE_BYTES: String(8 * 1024 * 1024) } });

test('with the claim check off, a 3 MB tool input ends the generation failed within 10 s, with an error naming the limit', async () => {
  const started = Date.now();
  const id = await harness.api.create(promptFor('hugeInput'));
  const state = await harness.api.waitForState(id, (s) => s.status !== 'running', 10_000);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(state.status).toBe('failed');
  expect(state.error).toMatch(/toolu_huge \(write_file\).*above Temporal's payload size limit of 2\.0 MiB \(TOOLSTREAM_PAYLOAD_LIMIT\).*TOOLSTREAM_CLAIM_CHECK=on/);
  // The tool never ran and the model was not asked again.
  expect(state.tools).toEqual([]);
  expect(harness.fake.requests.filter((request) => request.scenario === 'hugeInput')).toHaveLength(1);
  const handle = harness.env.client.workflow.getHandle(workflowIdFor(id));
  await handle.result();
  expect((await handle.describe()).status.name).toBe('COMPLETED');
}, 30_000);

test('a workflow whose task keeps failing is served with the problem Temporal reports, never as a 500', async () => {
  const id = await harness.api.create(promptFor('slow'));
  await harness.api.waitForState(id, (s) => s.text.length > 0);
  // A malformed signal makes every workflow task fail (a bug, as a poisoned payload would be): the generation cannot move.
  await harness.env.client.workflow.getHandle(workflowIdFor(id)).signal(modelStreamSignal, { iteration: 1, attempt: 1, phase: 'streaming', items: null } as unknown as StreamProgress);
  // Until Temporal marks it, a read may time out (503, try again); it is never a 500.
  const deadline = Date.now() + 45_000;
  let stuck: { status: string; problem?: string | null } | undefined;
  while (Date.now() < deadline) {
    const res = await harness.api.request<{ status: string; problem?: string | null }>('GET', `/v1/generations/${id}`);
    if (res.status !== 200 && res.status !== 503) throw new Error(`a read answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (res.status === 200 && res.body.problem) {
      stuck = res.body;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(stuck?.status).toBe('running');
  expect(stuck?.problem).toMatch(/Temporal reports this generation's workflow task keeps failing: .*WorkflowTaskFailed/);
  // Once marked, reads answer at once from what the API had, with the problem.
  const readStarted = Date.now();
  const again = await harness.api.request<{ problem?: string | null }>('GET', `/v1/generations/${id}`);
  expect(again.status).toBe(200);
  expect(again.body.problem).toBe(stuck?.problem);
  expect(Date.now() - readStarted).toBeLessThan(2_000);
  await harness.env.client.workflow.getHandle(workflowIdFor(id)).terminate('test over');
  // The API's reads of the stuck workflow may still be retrying inside the client's gRPC retry; each ends by its
  // 10 s deadline. Closing the connection under a pending retry throws from its timer ("Channel has been shut down").
  await new Promise((resolve) => setTimeout(resolve, 11_000));
}, 90_000);
