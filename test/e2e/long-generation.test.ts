import fs from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { foldEvents } from '../../src/shared/reducer';
import { maybeRecordHistory } from '../support/record-history';
import { eventsOfType, promptFor } from '../support/scenario';
import { useHarness } from '../support/toolstream-harness';

const toolTurns = 200;

/** A fast model that calls one tool per turn for 200 turns, then stops. */
const scenarios: Record<string, Scenario> = {
  marathon: (_request, { turn }) =>
    turn < toolTurns
      ? { steps: [{ type: 'text', text: `Step ${turn + 1}. ` }, { type: 'tool_use', id: `toolu_step_${turn + 1}`, name: 'count', input: { key: 'steps' } }] }
      : { steps: [{ type: 'text', text: 'All done.' }] },
};

const harness = useHarness({
    scenarios,
    // A low threshold so this run continues-as-new several times; the buffer holds every event so the poller never needs a gap.
    env: { TOOLSTREAM_CONTINUE_AS_NEW_EVENTS: '400', TOOLSTREAM_TEXT_BATCH_MS: '20', TOOLSTREAM_EVENT_BUFFER: '5000' },
  });

test('a generation of 201 iterations continues-as-new along the way and reads as one generation', async () => {
  const id = await harness.api.create(promptFor('marathon'), { maxIterations: toolTurns + 1 });
  const events = await harness.api.pollToEnd(id, { timeoutMs: 240_000, limit: 1000 });
  const state = await harness.api.state(id);

  expect(state.status).toBe('completed');
  expect(state.stopReason).toBe('end_turn');
  expect(state.iteration).toBe(toolTurns + 1);
  expect(eventsOfType(events, 'iteration.started').map((event) => event.iteration)).toEqual(Array.from({ length: toolTurns + 1 }, (_, i) => i + 1));
  expect(eventsOfType(events, 'generation.started')).toHaveLength(1);
  expect(state.tools).toHaveLength(toolTurns);
  expect(state.tools.every((tool) => tool.status === 'completed' && tool.attempts === 1)).toBe(true);
  // Each tool ran exactly once across all runs.
  expect(fs.readFileSync(path.join(harness.workspaceOf(id), '.count-steps'), 'utf8')).toBe(String(toolTurns));
  expect(state.text.endsWith('Step 200. All done.')).toBe(true);
  expect(foldEvents(events)).toEqual(expect.objectContaining({ lastSeq: state.lastSeq, text: state.text, iteration: state.iteration }));

  // The conversation survived every hand-over: the last request holds all 200 tool round trips.
  const last = harness.fake.requests.filter((request) => request.scenario === 'marathon').at(-1);
  expect(last?.body.messages).toHaveLength(1 + 2 * toolTurns);

  // After its last event the final run archives its log, then closes; visibility catches up a moment later.
  await harness.env.client.workflow.getHandle(workflowIdFor(id)).result();
  const runs = [];
  for (let tries = 0; tries < 100; tries++) {
    runs.length = 0;
    for await (const run of harness.env.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(id)}'` })) runs.push(run);
    if (runs.some((run) => run.status.name === 'COMPLETED')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const continued = runs.filter((run) => run.status.name === 'CONTINUED_AS_NEW');
  expect(continued.length).toBeGreaterThanOrEqual(2);
  expect(runs.filter((run) => run.status.name === 'COMPLETED')).toHaveLength(1);
  const firstRun = continued.sort((a, b) => a.startTime.getTime() - b.startTime.getTime())[0];
  await maybeRecordHistory(harness.env, id, 'continue-as-new', firstRun.runId);
}, 300_000);
