import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAnthropic, type FakeAnthropicServer, type ScriptedTurn } from '../../src/fake-anthropic';
import type { RunningApi } from '../../src/runtime/api-server';
import type { GenerationEvent } from '../../src/shared/events';
import { ApiClient } from '../support/api-client';
import { startInProcessApi } from '../support/api-process';
import { CursorPoller } from '../support/cursor-poller';
import { DevServerOnDisk } from '../support/dev-server-process';
import type { ManagedProcess } from '../support/managed-process';
import { eventsOfType, promptFor } from '../support/scenario';
import { pause, waitFor } from '../support/wait-for';
import { startWorkerProcess } from '../support/worker-process';
import { expectSurvivedCrash, readCounters, timeline, withEvidence } from './crash-checks';
import { chatter, freshAnswerPerCall, paced } from './fresh-answers';

/** Turn 0 streams for about ten seconds with tools along the way, so Temporal can go away in the middle. */
function turnScript(turn: number, id: (step: string) => string): ScriptedTurn {
  if (turn === 0) {
    return {
      ...paced,
      steps: [
        { type: 'text', text: 'First I count a. ' },
        { type: 'tool_use', id: id('count_a'), name: 'count', input: { key: 'a' } },
        { type: 'text', text: chatter('counting', 5) },
        { type: 'tool_use', id: id('nap'), name: 'sleep', input: { ms: 2000 } },
        { type: 'text', text: chatter('napping', 15) },
        { type: 'tool_use', id: id('count_b'), name: 'count', input: { key: 'b' } },
        { type: 'text', text: chatter('restarting', 15) },
        { type: 'tool_use', id: id('count_c'), name: 'count', input: { key: 'c' } },
        { type: 'text', text: 'That was turn one.' },
      ],
    };
  }
  if (turn === 1) return { ...paced, steps: [{ type: 'text', text: 'One more. ' }, { type: 'tool_use', id: id('count_d'), name: 'count', input: { key: 'd' } }] };
  return { steps: [{ type: 'text', text: 'All counted.' }], stopReason: 'end_turn' };
}

let dataDir: string;
let temporal: DevServerOnDisk;
let fake: FakeAnthropicServer;
let api: RunningApi;
let worker: ManagedProcess | undefined;
let activePoller: CursorPoller | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-restart-'));
  temporal = await DevServerOnDisk.start(dataDir);
  const { address } = temporal;
  fake = await startFakeAnthropic({ scenarios: { restart: freshAnswerPerCall(turnScript) } });
  const taskQueue = `toolstream-restart-${process.pid}-${Date.now()}`;
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: address,
    TOOLSTREAM_TASK_QUEUE: taskQueue,
    ANTHROPIC_BASE_URL: fake.url,
    TOOLSTREAM_WORKSPACE_DIR: path.join(dataDir, 'workspaces'),
    TOOLSTREAM_STORE_DIR: path.join(dataDir, 'store'),
  });
  api = await startInProcessApi(temporal.connection, { address, taskQueue, storeDir: path.join(dataDir, 'store') });
});

afterAll(async () => {
  activePoller?.stop(); // a test that failed early must not leave it polling
  await worker?.kill('SIGTERM');
  await api?.close();
  await fake?.close();
  await temporal?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const completed = (events: GenerationEvent[], toolUseId: string): boolean =>
  eventsOfType(events, 'tool.completed').some((event) => event.toolUseId === toolUseId);

test('the Temporal dev server killed mid-generation and started again on its SQLite file: the generation completes, every tool runs once, the poller loses nothing', async () => {
  const client = new ApiClient(api.url);
  const id = await client.create(promptFor('restart'));
  const poller = (activePoller = new CursorPoller(api.url, id));

  await waitFor('count a to complete', () => completed(poller.events, 'toolu_0_count_a'));
  await temporal.kill('SIGKILL');
  const killedAt = Date.now();
  const eventsAtKill = poller.events.length;
  await pause(2000);
  await temporal.restart();
  const outageMs = Date.now() - killedAt;

  const events = await poller.finished;
  const state = await client.state(id);
  const counters = readCounters(path.join(dataDir, 'workspaces', id));
  const evidence = { outageMs, eventsAtKill, counters, failedPolls: poller.failures.map((failure) => failure.reason.slice(0, 120)), timeline: timeline(events) };

  withEvidence(evidence, () => {
    // The outage is shorter than the model activity's heartbeat timeout, so nothing of the streamed
    // turn is lost: every tool of both turns ran, once.
    expect(counters).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    expectSurvivedCrash({ events, eventsAtCrash: eventsAtKill, state, counters, requests: fake.requests.filter((request) => request.scenario === 'restart') });
  });
});
