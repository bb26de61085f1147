import path from 'node:path';
import type { ScriptedTurn } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { ApiClient } from '../support/api-client';
import { historyFigures } from '../support/history-payloads';
import { eventsOfType, promptFor } from '../support/scenario';
import { pause, waitFor } from '../support/wait-for';
import { useWorkerKillStack } from '../support/worker-kill-stack';
import { expectSurvivedCrash, readCounters, timeline, toolResultProblems, withEvidence } from './crash-checks';
import { countNapCountTurn, freshAnswerPerCall, twoMoreCountsTurn } from './fresh-answers';
import { bulkText } from '../support/bulk-text';


/** Four turns each write a 640 KB file and read it back: ~5 MB of conversation before the slow turn. */
const bigTurns = 4;
const files = Array.from({ length: bigTurns }, (_, turn) => bulkText(640 * 1024, `big${turn}`));
const slowTurn = bigTurns;

function turnScript(turn: number, id: (step: string) => string): ScriptedTurn {
  if (turn < bigTurns) {
    return {
      jsonChunking: 4096,
      steps: [
        { type: 'text', text: `Writing file ${turn}. ` },
        { type: 'tool_use', id: id('write'), name: 'write_file', input: { path: `big${turn}.txt`, content: files[turn] } },
        { type: 'tool_use', id: id('read'), name: 'read_file', input: { path: `big${turn}.txt` } },
      ],
    };
  }
  // Streams for seconds around its tools, so the worker dies while the model still streams.
  if (turn === slowTurn) return countNapCountTurn(id, 'Now I count a. ', 'That was the slow turn.');
  if (turn === slowTurn + 1) return twoMoreCountsTurn(id);
  return { steps: [{ type: 'text', text: 'All counted.' }], stopReason: 'end_turn' };
}

const stack = useWorkerKillStack('crash-large', { bigThenKill: freshAnswerPerCall(turnScript) });

const sawEvent = (events: GenerationEvent[], type: 'tool.started' | 'tool.completed', toolUseId: string): boolean =>
  eventsOfType(events, type).some((event) => event.toolUseId === toolUseId);

test('kill -9 of the worker mid-stream in a ~5 MB conversation: a new worker finishes it, no tool runs twice, every tool_use answered once', async () => {
  await stack.startWorker();
  const client = new ApiClient(stack.api.url);
  const id = await client.create(promptFor('bigThenKill'));
  const poller = stack.poll(id);

  await waitFor('count a of the slow turn to complete', () => sawEvent(poller.events, 'tool.completed', `toolu_${slowTurn}_count_a`), 120_000);
  await waitFor('the nap to start', () => sawEvent(poller.events, 'tool.started', `toolu_${slowTurn}_nap`));
  // Long enough for the throttled heartbeat to have carried the tool calls dispatched so far.
  await pause(1200);
  const slowStream = stack.fake.responses.find((response) => response.scenario === 'bigThenKill' && response.turn === slowTurn);
  expect(slowStream?.endedAt).toBeUndefined(); // the model is still streaming the slow turn
  const beforeKill = stack.fake.requests.filter((request) => request.scenario === 'bigThenKill');
  const conversationAtKill = JSON.stringify(beforeKill.at(-1)?.body.messages ?? []).length;
  expect(conversationAtKill).toBeGreaterThan(5_000_000);
  await stack.worker(0).kill('SIGKILL');
  const eventsAtKill = poller.events.length;

  await pause(1000);
  await stack.startWorker();
  const events = await poller.finished;
  const state = await client.state(id);
  const counters = readCounters(path.join(stack.workspaceDir, id));
  const requests = stack.fake.requests.filter((request) => request.scenario === 'bigThenKill');
  const evidence = { conversationAtKill, eventsAtKill, counters, failedPolls: poller.failures.length, requests: requests.length, timeline: timeline(events) };

  withEvidence(evidence, () => {
    expectSurvivedCrash({ events, eventsAtCrash: eventsAtKill, state, counters, requests });
    // b comes after the kill in the slow turn's stream: the retry resumes the turn from the tool calls it
    // had (a, the nap) and b may never be asked for; whatever was asked ran once (checked above).
    expect(counters).toEqual(expect.objectContaining({ a: 1, c: 1, d: 1 }));
    expect(toolResultProblems(requests)).toEqual([]);
    // The last request holds the whole conversation: every big write and read, every tool_use answered once.
    const last = requests.at(-1)?.body.messages ?? [];
    const uses = last.flatMap((message) => (typeof message.content === 'string' ? [] : message.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id))));
    const answers = last.flatMap((message) =>
      typeof message.content === 'string' ? [] : message.content.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)),
    );
    expect([...answers].sort()).toEqual([...uses].sort());
    expect(new Set(uses).size).toBe(uses.length);
    for (let turn = 0; turn < bigTurns; turn++) {
      const write = (last[1 + 2 * turn].content as Array<{ type: string; input?: { content?: string } }>).find((block) => block.type === 'tool_use');
      const read = (last[2 + 2 * turn].content as Array<{ type: string; content?: unknown }>).filter((block) => block.type === 'tool_result')[1];
      expect(write?.input?.content === files[turn] && read?.content === files[turn]).toBe(true);
    }
  });
  const figures = await historyFigures(stack.env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(128 * 1024);
}, 180_000);
