import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAnthropic, type FakeAnthropicServer, type RecordedRequest, type ScriptedTurn } from '../../src/fake-anthropic';
import type { RunningApi } from '../../src/runtime/api-server';
import type { GenerationEvent } from '../../src/shared/events';
import { toolActivityOptions } from '../../src/workflows/activity-proxies';
import { ApiClient } from '../support/api-client';
import { startInProcessApi } from '../support/api-process';
import { CursorPoller } from '../support/cursor-poller';
import { DevServerOnDisk } from '../support/dev-server-process';
import type { ManagedProcess } from '../support/managed-process';
import { eventsOfType, promptFor } from '../support/scenario';
import { pause, waitFor } from '../support/wait-for';
import { WorkerProcesses } from '../support/worker-process';
import { timeline, toolResultProblems, withEvidence } from './crash-checks';
import { freshAnswerPerCall } from './fresh-answers';

/**
 * One writer a turn, so the fault hits one effect at a time: each turn's tool is faulted exactly in
 * the window where its effect is done and Temporal has not recorded its completion.
 */
function turnScript(turn: number, id: (step: string) => string): ScriptedTurn {
  const steps: ScriptedTurn['steps'][] = [
    [{ type: 'text', text: 'Writing notes. ' }, { type: 'tool_use', id: id('write'), name: 'write_file', input: { path: 'notes.txt', content: 'alpha\n' } }],
    [{ type: 'text', text: 'Adding to them. ' }, { type: 'tool_use', id: id('edit'), name: 'edit_file', input: { path: 'notes.txt', old_text: 'alpha', new_text: 'alpha beta' } }],
    [{ type: 'text', text: 'Naming the app. ' }, { type: 'tool_use', id: id('rename'), name: 'rename_app', input: { name: 'Once' } }],
  ];
  if (turn < steps.length) return { steps: steps[turn] };
  return { steps: [{ type: 'text', text: 'All done.' }], stopReason: 'end_turn' };
}

/** What each call answers when it ran once; a second application would answer otherwise (or change the file). */
const firstResults: Record<string, string> = {
  write_file: 'Wrote 6 bytes to notes.txt',
  edit_file: 'Edited notes.txt: replaced 1 occurrence (file is now 11 bytes)',
  rename_app: 'Renamed app to Once',
};

const heartbeatTimeoutMs = Number.parseInt(toolActivityOptions.heartbeatTimeout, 10) * 1000;

let dataDir: string;
let temporal: DevServerOnDisk;
let fake: FakeAnthropicServer;
let api: RunningApi;
let taskQueue: string;
const workers = new WorkerProcesses();
let activePoller: CursorPoller | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-effects-'));
  temporal = await DevServerOnDisk.start(dataDir);
  const { address } = temporal;
  fake = await startFakeAnthropic({ scenarios: { effectsKill: freshAnswerPerCall(turnScript), effectsPause: freshAnswerPerCall(turnScript) } });
  taskQueue = `toolstream-effects-${process.pid}-${Date.now()}`;
  api = await startInProcessApi(temporal.connection, { address, taskQueue, storeDir: path.join(dataDir, 'store') });
});

afterEach(async () => {
  activePoller?.stop();
  await workers.killAll();
});

afterAll(async () => {
  await api?.close();
  await fake?.close();
  await temporal?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function startWorker(fault: 'kill' | 'pause', faultDir: string): Promise<ManagedProcess> {
  return workers.start({
    TEMPORAL_ADDRESS: temporal.address,
    TOOLSTREAM_TASK_QUEUE: taskQueue,
    ANTHROPIC_BASE_URL: fake.url,
    TOOLSTREAM_WORKSPACE_DIR: path.join(dataDir, 'workspaces'),
    TOOLSTREAM_STORE_DIR: path.join(dataDir, 'store'),
    TOOLSTREAM_TEST_FAULT_AFTER_EFFECT: fault,
    TOOLSTREAM_TEST_FAULT_DIR: faultDir,
  });
}

const pausedCalls = (faultDir: string): string[] =>
  fs.readdirSync(faultDir).filter((file) => file.endsWith('.paused')).map((file) => file.slice(0, -'.paused'.length));

const completedAttempt = (events: GenerationEvent[], toolUseId: string): number | undefined =>
  eventsOfType(events, 'tool.completed').find((event) => event.toolUseId === toolUseId)?.attempt;

/** The last request's tool_result for each tool the generation ran, as the model saw it. */
function resultsSeenByModel(requests: readonly RecordedRequest[]): Record<string, { content: unknown; isError: boolean }> {
  const seen: Record<string, { content: unknown; isError: boolean }> = {};
  for (const message of requests[requests.length - 1]?.body.messages ?? []) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_result') seen[String(block.tool_use_id)] = { content: block.content, isError: block.is_error === true };
    }
  }
  return seen;
}

/**
 * What must hold after every writer was faulted once in its window: the generation completed, each
 * writer ran again (its first attempt failed, a second one completed), the files are as after one
 * run of each, and the model got each call's first result, in requests the API accepts.
 */
function expectEffectsOnce(id: string, scenario: string, events: GenerationEvent[], state: { status: string; tools: { id: string; name: string }[] }): void {
  const workspace = path.join(dataDir, 'workspaces', id);
  const requests = fake.requests.filter((request) => request.scenario === scenario);
  const seen = resultsSeenByModel(requests);
  const evidence = { timeline: timeline(events), seen, files: fs.existsSync(workspace) ? fs.readdirSync(workspace) : [] };
  withEvidence(evidence, () => {
    expect(state.status).toBe('completed');
    expect(state.tools.map((tool) => tool.name)).toEqual(['write_file', 'edit_file', 'rename_app']);
    for (const tool of state.tools) {
      expect({ tool: tool.name, completedAttempt: completedAttempt(events, tool.id) }).toEqual({ tool: tool.name, completedAttempt: 2 });
      expect({ tool: tool.name, ...seen[tool.id] }).toEqual({ tool: tool.name, content: firstResults[tool.name], isError: false });
    }
    expect(fs.readFileSync(path.join(workspace, 'notes.txt'), 'utf8')).toBe('alpha beta\n');
    expect(JSON.parse(fs.readFileSync(path.join(workspace, 'app.json'), 'utf8'))).toEqual({ name: 'Once' });
    expect(toolResultProblems(requests)).toEqual([]);
  });
}

test('kill -9 of the worker right after each writer’s effect, before its completion is recorded: the re-run on a new worker changes nothing and the model gets the first result', async () => {
  const faultDir = path.join(dataDir, 'faults-kill');
  await startWorker('kill', faultDir);
  const client = new ApiClient(api.url);
  const id = await client.create(promptFor('effectsKill'));
  const poller = (activePoller = new CursorPoller(api.url, id, { timeoutMs: 240_000 }));

  // Each fault kills the worker: put a new one in its place until the generation is over.
  let over = false;
  void poller.finished.finally(() => (over = true));
  while (!over) {
    if (workers.all[workers.all.length - 1].exited) await startWorker('kill', faultDir);
    await pause(200);
  }
  const events = await poller.finished;
  expect(fs.readdirSync(faultDir).filter((file) => file.endsWith('.fired'))).toHaveLength(3);
  expect(workers.all.length).toBe(4); // three killed, one to finish
  expectEffectsOnce(id, 'effectsKill', events, await client.state(id));
}, 300_000);

test('Temporal stopped for longer than the tool heartbeat timeout right after each writer’s effect: the re-run after the restart changes nothing and the model gets the first result', async () => {
  const faultDir = path.join(dataDir, 'faults-pause');
  await startWorker('pause', faultDir);
  const client = new ApiClient(api.url);
  const id = await client.create(promptFor('effectsPause'));
  const poller = (activePoller = new CursorPoller(api.url, id, { timeoutMs: 240_000 }));

  const outages: number[] = [];
  for (let fault = 0; fault < 3; fault++) {
    await waitFor(`writer ${fault + 1} to reach its fault window`, () => pausedCalls(faultDir).length > fault, 90_000);
    const toolUseId = pausedCalls(faultDir).find((call) => !fs.existsSync(path.join(faultDir, `${call}.release`)))!;
    await temporal.kill('SIGKILL');
    const stoppedAt = Date.now();
    await pause(heartbeatTimeoutMs + 2000);
    await temporal.restart();
    outages.push(Date.now() - stoppedAt);
    // Temporal times the held attempt out and the scheduler runs the call again on the (same) worker.
    await waitFor(`${toolUseId} to complete again`, () => completedAttempt(poller.events, toolUseId) !== undefined, 90_000);
    // The held first attempt completes now, too late: Temporal has moved on.
    fs.writeFileSync(path.join(faultDir, `${toolUseId}.release`), '');
  }
  const events = await poller.finished;
  expect(outages.every((ms) => ms > heartbeatTimeoutMs)).toBe(true);
  expect(workers.all.every((worker) => !worker.exited)).toBe(true);
  expectEffectsOnce(id, 'effectsPause', events, await client.state(id));
}, 300_000);
