import type { Scenario } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { searchAttributeKeys } from '../../src/shared/search-attributes';
import type { GenerationListItem, GenerationListPage } from '../../src/shared/generation-list';
import { promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';
import { eventually } from '../support/wait-for';

const scenarios: Record<string, Scenario> = {
  short: [{ steps: [{ type: 'text', text: 'Short.' }], usage: { inputTokens: 1000, outputTokens: 100, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 } }],
  rejected: [{ steps: [], httpError: { status: 400, errorType: 'invalid_request_error', message: 'no' } }],
  long: [{ steps: [{ type: 'tool_use', id: 'toolu_long', name: 'sleep', input: { ms: 8000 } }] }, { steps: [{ type: 'text', text: 'Done.' }] }],
};

const harness = useHarness({ scenarios });

async function list(query = ''): Promise<GenerationListPage> {
  const res = await harness.api.request<GenerationListPage>('GET', `/v1/generations${query}`);
  if (res.status !== 200) throw new Error(`list answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const byId = (page: GenerationListPage, id: string): GenerationListItem | undefined => page.generations.find((g) => g.id === id);

test('lists generations from Temporal visibility with their search attributes, filtered by status and paged', async () => {
  const short = await harness.api.create(promptFor('short', 'Build a calculator\nwith details below'));
  await harness.api.pollToEnd(short);
  const rejected = await harness.api.create(promptFor('rejected'));
  await harness.api.pollToEnd(rejected);
  const long = await harness.api.create(promptFor('long'));
  await harness.api.waitForState(long, (state) => state.tools.some((tool) => tool.status === 'running'));

  const page = await eventually(list, (p) => byId(p, short)?.status === 'completed' && byId(p, rejected)?.status === 'failed' && byId(p, long)?.iteration === 1);
  expect(byId(page, short)).toMatchObject({
    status: 'completed',
    model: 'claude-sonnet-5-5',
    title: '[[scenario:short]] Build a calculator',
    iteration: 1,
    costUsd: (1000 * 2 + 100 * 10) / 1e6,
    finishedAt: expect.any(String),
  });
  expect(byId(page, long)).toMatchObject({ status: 'running', finishedAt: null });
  expect(Date.parse(byId(page, short)?.startedAt as string)).toBeGreaterThan(Date.now() - 120_000);
  // Newest first: the three in the reverse of the order they were started, and every start time descending.
  expect(page.generations.map((g) => g.id).filter((id) => [short, rejected, long].includes(id))).toEqual([long, rejected, short]);
  const starts = page.generations.map((g) => Date.parse(g.startedAt as string));
  expect(starts).toEqual([...starts].sort((a, b) => b - a));

  const failed = await eventually(
    () => list('?status=failed'),
    (p) => byId(p, rejected) !== undefined,
  );
  expect(failed.generations.every((g) => g.status === 'failed')).toBe(true);
  expect(byId(failed, short)).toBeUndefined();

  // Paging: one at a time, the cursor leads through without repeats.
  const seen: string[] = [];
  let cursor: string | null = '';
  for (let i = 0; i < 3 && cursor !== null; i++) {
    const next: GenerationListPage = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(next.generations).toHaveLength(1);
    seen.push(next.generations[0].id);
    cursor = next.nextCursor;
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(3);

  const description = await harness.env.client.workflow.getHandle(workflowIdFor(short)).describe();
  expect(description.typedSearchAttributes.get(searchAttributeKeys.toolFailures)).toBe(0);
  expect(description.typedSearchAttributes.get(searchAttributeKeys.status)).toBe('completed');

  expect((await harness.api.request('GET', '/v1/generations?status=bogus')).status).toBe(400);
  expect((await harness.api.request('GET', '/v1/generations?limit=0')).status).toBe(400);
  await harness.api.post(`/v1/generations/${long}/cancel`);
});
