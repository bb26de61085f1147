import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { createStorage } from '../../src/storage/storage';
import { startFakeAnthropic, type FakeAnthropicServer, type ScriptedTurn } from '../../src/fake-anthropic';
import { startApiServer, temporalReachability, type RunningApi } from '../../src/runtime/api-server';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { ApiClient } from '../support/api-client';
import { CursorPoller } from '../support/cursor-poller';
import { historyFigures } from '../support/history-payloads';
import type { ManagedProcess } from '../support/managed-process';
import { eventsOfType, promptFor } from '../support/scenario';
import { createTemporalEnv } from '../support/temporal-env';
import { pause, waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcessEnv } from '../support/worker-process';
import { expectSurvivedCrash, readCounters, timeline, toolResultProblems, withEvidence } from './crash-checks';
import { chatter, freshAnswerPerCall, paced } from './fresh-answers';
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
  if (turn === slowTurn) {
    // Streams for seconds around its tools, so the worker dies while the model still streams.
    return {
      ...paced,
      steps: [
        { type: 'text', text: 'Now I count a. ' },
        { type: 'tool_use', id: id('count_a'), name: 'count', input: { key: 'a' } },
        { type: 'text', text: chatter('counting', 5) },
        { type: 'tool_use', id: id('nap'), name: 'sleep', input: { ms: 3000 } },
        { type: 'text', text: chatter('napping', 15) },
        { type: 'tool_use', id: id('count_b'), name: 'count', input: { key: 'b' } },
        { type: 'text', text: 'That was the slow turn.' },
      ],
    };
  }
  if (turn === slowTurn + 1) {
    return {
      ...paced,
      steps: [
        { type: 'text', text: 'Two more counts. ' },
        { type: 'tool_use', id: id('count_c'), name: 'count', input: { key: 'c' } },
        { type: 'tool_use', id: id('count_d'), name: 'count', input: { key: 'd' } },
      ],
    };
  }
  return { steps: [{ type: 'text', text: 'All counted.' }], stopReason: 'end_turn' };
}

let env: TestWorkflowEnvironment;
let fake: FakeAnthropicServer;
let api: RunningApi;
let workspaceDir: string;
let workerEnv: WorkerProcessEnv;
let workers: ManagedProcess[] = [];
let activePoller: CursorPoller | undefined;

beforeAll(async () => {
  env = await createTemporalEnv();
  fake = await startFakeAnthropic({ scenarios: { bigThenKill: freshAnswerPerCall(turnScript) } });
  workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-crash-large-'));
  const taskQueue = `toolstream-crash-large-${process.pid}-${Date.now()}`;
  // The worker processes and the API share one store, as processes of one deployment do.
  const storeDir = path.join(workspaceDir, '.store');
  workerEnv = { TEMPORAL_ADDRESS: env.address, TOOLSTREAM_TASK_QUEUE: taskQueue, ANTHROPIC_BASE_URL: fake.url, TOOLSTREAM_WORKSPACE_DIR: workspaceDir, TOOLSTREAM_STORE_DIR: storeDir };
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TEMPORAL_ADDRESS: env.address, TOOLSTREAM_TASK_QUEUE: taskQueue, TOOLSTREAM_STORE_DIR: storeDir });
  // The API stays up the whole time, in this process: only the worker dies.
  api = await startApiServer({
    config,
    storage: await createStorage(config),
    connection: env.connection,
    health: async () => {
      const temporal = await temporalReachability(env.connection);
      return { ok: temporal === 'ok', details: { temporal } };
    },
  });
});

afterEach(async () => {
  activePoller?.stop();
  for (const worker of workers) await worker.kill('SIGKILL');
  workers = [];
});

afterAll(async () => {
  await api?.close();
  await fake?.close();
  await env?.teardown();
  if (workspaceDir) fs.rmSync(workspaceDir, { recursive: true, force: true });
});

async function startWorker(): Promise<ManagedProcess> {
  const worker = await startWorkerProcess(workerEnv, `worker ${workers.length + 1}`);
  workers.push(worker);
  return worker;
}

const sawEvent = (events: GenerationEvent[], type: 'tool.started' | 'tool.completed', toolUseId: string): boolean =>
  eventsOfType(events, type).some((event) => event.toolUseId === toolUseId);

test('kill -9 of the worker mid-stream in a ~5 MB conversation: a new worker finishes it, no tool runs twice, every tool_use answered once', async () => {
  await startWorker();
  const client = new ApiClient(api.url);
  const id = await client.create(promptFor('bigThenKill'));
  const poller = (activePoller = new CursorPoller(api.url, id));

  await waitFor('count a of the slow turn to complete', () => sawEvent(poller.events, 'tool.completed', `toolu_${slowTurn}_count_a`), 120_000);
  await waitFor('the nap to start', () => sawEvent(poller.events, 'tool.started', `toolu_${slowTurn}_nap`));
  // Long enough for the throttled heartbeat to have carried the tool calls dispatched so far.
  await pause(1200);
  const slowStream = fake.responses.find((response) => response.scenario === 'bigThenKill' && response.turn === slowTurn);
  expect(slowStream?.endedAt).toBeUndefined(); // the model is still streaming the slow turn
  const beforeKill = fake.requests.filter((request) => request.scenario === 'bigThenKill');
  const conversationAtKill = JSON.stringify(beforeKill.at(-1)?.body.messages ?? []).length;
  expect(conversationAtKill).toBeGreaterThan(5_000_000);
  await workers[0].kill('SIGKILL');
  const eventsAtKill = poller.events.length;

  await pause(1000);
  await startWorker();
  const events = await poller.finished;
  const state = await client.state(id);
  const counters = readCounters(path.join(workspaceDir, id));
  const requests = fake.requests.filter((request) => request.scenario === 'bigThenKill');
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
  const figures = await historyFigures(env.client, workflowIdFor(id));
  expect(figures.largestPayload).toBeLessThanOrEqual(128 * 1024);
}, 180_000);
