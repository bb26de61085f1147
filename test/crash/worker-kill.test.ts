import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import { createStorage } from '../../src/storage/storage';
import { startFakeAnthropic, type FakeAnthropicServer, type ScriptedTurn } from '../../src/fake-anthropic';
import { startApiServer, temporalReachability, type RunningApi } from '../../src/runtime/api-server';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { ApiClient } from '../support/api-client';
import { CursorPoller } from '../support/cursor-poller';
import type { ManagedProcess } from '../support/managed-process';
import { eventsOfType, promptFor } from '../support/scenario';
import { createTemporalEnv } from '../support/temporal-env';
import { pause, waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcessEnv } from '../support/worker-process';
import { expectSurvivedCrash, readCounters, timeline, withEvidence } from './crash-checks';
import { chatter, freshAnswerPerCall, paced } from './fresh-answers';

/**
 * Turn 0 streams for seconds around its tools, so the worker can die while it still streams;
 * `leadInMs` of silence before the first tool call place it in the stream's timeline.
 */
function turnScript(turn: number, leadInMs: number, id: (step: string) => string): ScriptedTurn {
  if (turn === 0) {
    return {
      ...paced,
      steps: [
        { type: 'text', text: 'First I count a. ' },
        { type: 'pause', ms: leadInMs },
        { type: 'tool_use', id: id('count_a'), name: 'count', input: { key: 'a' } },
        { type: 'text', text: chatter('counting', 5) },
        { type: 'tool_use', id: id('nap'), name: 'sleep', input: { ms: 3000 } },
        { type: 'text', text: chatter('napping', 15) },
        { type: 'tool_use', id: id('count_b'), name: 'count', input: { key: 'b' } },
        { type: 'text', text: 'That was turn one.' },
      ],
    };
  }
  if (turn === 1) {
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
  fake = await startFakeAnthropic({
    scenarios: {
      // The first tool call comes at once: the first heartbeat of the model activity carries it.
      afterHeartbeat: freshAnswerPerCall((turn, id) => turnScript(turn, 0, id)),
      // Heartbeats go out once a second from the start of the call. The first tool call comes about
      // 2.1 s in, just after one went out, so for most of the throttle interval (1 s) the server has
      // not heard of it: the worker is killed in that time.
      inHeartbeatWindow: freshAnswerPerCall((turn, id) => turnScript(turn, 2050, id)),
    },
  });
  workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-crash-'));
  const taskQueue = `toolstream-crash-${process.pid}-${Date.now()}`;
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
  activePoller?.stop(); // a test that failed early must not leave it polling
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

/** For failure messages: the tool call ids the model activity's last recorded heartbeat carried. */
async function heartbeatedToolCalls(generationId: string): Promise<unknown> {
  const description = await env.client.workflow.getHandle(workflowIdFor(generationId)).describe();
  const model = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === 'streamModelTurn');
  if (!model) return 'no pending model activity';
  const payload = model.heartbeatDetails?.payloads?.[0];
  const details = payload ? defaultPayloadConverter.fromPayload<{ toolCalls?: { id?: string }[] } | null>(payload) : undefined;
  return details?.toolCalls?.map((call) => call.id) ?? details ?? 'no heartbeat details';
}

/**
 * Runs one generation, kills the worker with SIGKILL once `killWhen` holds (while turn 0 still
 * streams), starts a new worker a second later and checks what a client and the model saw.
 */
async function killWorkerDuring(scenario: string, killWhen: (events: GenerationEvent[]) => Promise<void>): Promise<void> {
  await startWorker();
  const client = new ApiClient(api.url);
  const id = await client.create(promptFor(scenario));
  const poller = (activePoller = new CursorPoller(api.url, id));

  await killWhen(poller.events);
  const firstStream = fake.responses.find((response) => response.scenario === scenario && response.turn === 0);
  expect(firstStream?.endedAt).toBeUndefined(); // the model is still streaming turn 0
  await workers[0].kill('SIGKILL');
  const atKill = { heartbeatedToolCalls: await heartbeatedToolCalls(id), eventsSeen: poller.events.length };

  await pause(1000);
  await startWorker();
  const events = await poller.finished;
  const state = await client.state(id);
  const counters = readCounters(path.join(workspaceDir, id));
  const evidence = {
    atKill,
    counters,
    failedPolls: poller.failures.length,
    timeline: timeline(events),
  };

  withEvidence(evidence, () =>
    expectSurvivedCrash({ events, eventsAtCrash: atKill.eventsSeen, state, counters, requests: fake.requests.filter((request) => request.scenario === scenario) }),
  );
}

test('kill -9 of the worker while a tool runs and the model streams: a new worker finishes the generation, no tool runs twice, no event is lost', async () => {
  await killWorkerDuring('afterHeartbeat', async (events) => {
    await waitFor('the nap to start', () => sawEvent(events, 'tool.started', 'toolu_0_nap'));
    // Long enough for the throttled heartbeat to have carried the tool calls dispatched so far.
    await pause(1200);
  });
});

test('kill -9 of the worker right after a tool ran, before a heartbeat could report it: no tool runs twice, no event is lost', async () => {
  await killWorkerDuring('inHeartbeatWindow', async (events) => {
    await waitFor('count a to complete', () => sawEvent(events, 'tool.completed', 'toolu_0_count_a'));
  });
});
