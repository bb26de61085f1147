import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startFakeAnthropic, type FakeAnthropicServer, type Scenario, type ScriptedTurn } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { ApiClient } from '../support/api-client';
import { startApiProcess, type ApiProcess } from '../support/api-main-process';
import { CursorPoller } from '../support/cursor-poller';
import type { ManagedProcess } from '../support/managed-process';
import { promptFor } from '../support/scenario';
import { createTemporalEnv } from '../support/temporal-env';
import { pause, waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcessEnv } from '../support/worker-process';
import { expectSurvivedCrash, readCounters, timeline, withEvidence } from './crash-checks';
import { chatter, freshAnswerPerCall, paced } from './fresh-answers';

/**
 * The deployment's topology on real processes: one Temporal server, two worker processes and two
 * API processes (the docker-compose.yml services), sharing one store and one workspace root.
 */

const generations = 20;

/** Counts land in the shared workspace, on whichever worker: a count above 1 is a tool call whose effect happened twice. */
function turnScript(turn: number, id: (step: string) => string): ScriptedTurn {
  if (turn === 0) {
    return {
      ...paced,
      steps: [
        { type: 'text', text: 'Counting a. ' },
        { type: 'tool_use', id: id('count_a'), name: 'count', input: { key: 'a' } },
        { type: 'text', text: chatter('counting', 3) },
        { type: 'tool_use', id: id('nap'), name: 'sleep', input: { ms: 1500 } },
        { type: 'tool_use', id: id('count_b'), name: 'count', input: { key: 'b' } },
      ],
    };
  }
  if (turn === 1) return { ...paced, steps: [{ type: 'text', text: 'One more. ' }, { type: 'tool_use', id: id('count_c'), name: 'count', input: { key: 'c' } }] };
  // Turn 2 ends the generation; turn 3 answers the follow-up.
  return { steps: [{ type: 'text', text: turn === 2 ? 'All counted.' : 'Noted.' }], stopReason: 'end_turn' };
}

const scenarios: Record<string, Scenario> = {
  ...Object.fromEntries(Array.from({ length: generations }, (_, i) => [`deploy-${i}`, freshAnswerPerCall(turnScript)])),
  // A tool and a stream that both outlast the moment SIGTERM comes.
  graceful: [
    { ...paced, steps: [{ type: 'tool_use', id: 'toolu_nap', name: 'sleep', input: { ms: 3000 } }, { type: 'text', text: chatter('waiting', 6) }] },
    { steps: [{ type: 'text', text: 'Rested.' }], stopReason: 'end_turn' },
  ],
};

let env: TestWorkflowEnvironment;
let fake: FakeAnthropicServer;
let root: string;
let workerEnv: WorkerProcessEnv;
let apis: ApiProcess[] = [];
let steadyWorker: ManagedProcess | undefined;
let flakyWorker: ManagedProcess | undefined;

beforeAll(async () => {
  env = await createTemporalEnv();
  fake = await startFakeAnthropic({ scenarios });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-deploy-'));
  const shared = {
    TEMPORAL_ADDRESS: env.address,
    TOOLSTREAM_TASK_QUEUE: `toolstream-deploy-${process.pid}-${Date.now()}`,
    TOOLSTREAM_STORE_DIR: path.join(root, 'store'),
  };
  workerEnv = { ...shared, ANTHROPIC_BASE_URL: fake.url, TOOLSTREAM_WORKSPACE_DIR: path.join(root, 'workspaces') };
  [steadyWorker, flakyWorker, ...apis] = await Promise.all([
    startWorkerProcess(workerEnv, 'worker 1'),
    startWorkerProcess(workerEnv, 'worker 2'),
    startApiProcess(shared, 'api 1'),
    startApiProcess(shared, 'api 2'),
  ]);
}, 180_000);

afterAll(async () => {
  for (const proc of [steadyWorker, flakyWorker, ...apis.map((api) => api.process)]) await proc?.kill('SIGKILL');
  await fake?.close();
  await env?.teardown();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('20 generations through two APIs on two workers, one of them killed -9 and restarted throughout: all complete, no tool twice, no event lost', async () => {
  const ids: string[] = [];
  const pollers: CursorPoller[] = [];
  for (let i = 0; i < generations; i++) {
    // Started through one API instance, polled through the other.
    const id = await new ApiClient(apis[i % 2].url).create(promptFor(`deploy-${i}`));
    ids.push(id);
    pollers.push(new CursorPoller(apis[(i + 1) % 2].url, id, { timeoutMs: 600_000 }));
  }

  let done = false;
  let kills = 0;
  const killer = (async () => {
    while (!done) {
      await pause(3000);
      if (done) break;
      await flakyWorker?.kill('SIGKILL');
      kills++;
      flakyWorker = await startWorkerProcess(workerEnv, `worker 2 (restart ${kills})`);
    }
  })();
  const settled = await Promise.allSettled(pollers.map((poller) => poller.finished));
  done = true;
  await killer;

  expect(kills).toBeGreaterThan(0);
  for (const [i, id] of ids.entries()) {
    const outcome = settled[i];
    if (outcome.status === 'rejected') throw new Error(`generation ${i} (${id}): ${String(outcome.reason)}`);
    const events = outcome.value;
    const state = await new ApiClient(apis[i % 2].url).state(id);
    const counters = readCounters(path.join(workerEnv.TOOLSTREAM_WORKSPACE_DIR, id));
    withEvidence({ generation: i, kills, counters, timeline: timeline(events) }, () => {
      expectSurvivedCrash({ events, eventsAtCrash: 0, state, counters, requests: fake.requests.filter((request) => request.scenario === `deploy-${i}`) });
      // A turn cut by a kill after count a is committed up to there (the model never asks for b): a and c always run.
      expect(counters).toMatchObject({ a: 1, c: 1 });
    });
  }
});

test('a follow-up sent through one API instance is never shown as finished by the other', async () => {
  const [first, second] = apis.map((api) => new ApiClient(api.url));
  const id = await first.create(promptFor('deploy-0', 'another one'));
  const before = await second.pollToEnd(id);
  const lastSeq = before[before.length - 1].seq;
  // The second instance has read the finished generation (and may keep it): the first continues it.
  expect((await second.state(id)).status).toBe('completed');
  const sent = await first.request('POST', `/v1/generations/${id}/messages`, { text: 'and count nothing more' });
  expect(sent.status).toBe(202);

  const seen: string[] = [];
  let events: GenerationEvent[] = [];
  for (let after = lastSeq; ; ) {
    const state = await second.state(id);
    seen.push(`${state.status}@${state.lastSeq}`);
    // Finished with nothing after the old end would be the old run shown as if the follow-up never came.
    expect(state.status === 'completed' && state.lastSeq <= lastSeq).toBe(false);
    const page = await second.events(id, after);
    events = events.concat(page.events);
    after = page.lastSeq;
    if (events.some((event) => event.type === 'generation.completed')) break;
    await pause(100);
  }
  expect(events[0]).toMatchObject({ seq: lastSeq + 1, type: 'message.received', text: 'and count nothing more' });
}, 120_000);

test('SIGTERM: a worker lets its running stream and tool finish before it exits; an API ends its SSE streams cleanly', async () => {
  // One worker runs everything, so the one that gets SIGTERM is the one running the stream and the tool.
  await flakyWorker?.kill('SIGKILL');
  const draining = steadyWorker as ManagedProcess;
  const [first] = apis.map((api) => new ApiClient(api.url));
  const id = await first.create(promptFor('graceful'));
  const poller = new CursorPoller(apis[0].url, id);
  try {
    await waitFor('the nap to start', () => poller.events.some((event) => event.type === 'tool.started'));

    // An open stream on the second API instance: SIGTERM ends it as a well-formed stream (the client reconnects elsewhere).
    const stream = await fetch(`${apis[1].url}/v1/generations/${id}/stream`);
    expect(stream.status).toBe(200);
    const body = stream.text();
    await apis[1].process.kill('SIGTERM');
    expect(await body).toContain('event: generation.started');
    expect(apis[1].process.output()).toContain('SIGTERM: shutting down');

    const stopped = draining.kill('SIGTERM');
    // A worker for what comes after the drained turn (the next model turn).
    flakyWorker = await startWorkerProcess(workerEnv, 'worker 3');
    const events = await poller.finished;
    await stopped;
    expect(draining.output()).toContain('SIGTERM: shutting down');
    const types = events.map((event) => event.type);
    // Nothing was cut short and retried: the tool ran once to the end, the stream was not superseded.
    expect(types).not.toContain('tool.failed');
    expect(types).not.toContain('attempt.superseded');
    expect(events.filter((event) => event.type === 'tool.started')).toHaveLength(1);
    expect(events.find((event) => event.type === 'iteration.completed')).not.toHaveProperty('interruption');
    expect((await first.state(id)).status).toBe('completed');
  } finally {
    poller.stop();
    steadyWorker = undefined;
  }
}, 180_000);
