import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ScriptedTurn } from '../../src/fake-anthropic';
import type { GenerationEvent } from '../../src/shared/events';
import { workflowIdFor } from '../../src/shared/generation';
import { ApiClient } from '../support/api-client';
import { eventsOfType, promptFor } from '../support/scenario';
import { pause, waitFor } from '../support/wait-for';
import { useWorkerKillStack } from '../support/worker-kill-stack';
import { expectSurvivedCrash, readCounters, timeline, withEvidence } from './crash-checks';
import { countNapCountTurn, freshAnswerPerCall, twoMoreCountsTurn } from './fresh-answers';

/**
 * Turn 0 streams for seconds around its tools, so the worker can die while it still streams;
 * `leadInMs` of silence before the first tool call place it in the stream's timeline.
 */
function turnScript(turn: number, leadInMs: number, id: (step: string) => string): ScriptedTurn {
  if (turn === 0) return countNapCountTurn(id, 'First I count a. ', 'That was turn one.', leadInMs);
  if (turn === 1) return twoMoreCountsTurn(id);
  return { steps: [{ type: 'text', text: 'All counted.' }], stopReason: 'end_turn' };
}

const stack = useWorkerKillStack('crash', {
  // The first tool call comes at once: the first heartbeat of the model activity carries it.
  afterHeartbeat: freshAnswerPerCall((turn, id) => turnScript(turn, 0, id)),
  // Heartbeats go out once a second from the start of the call. The first tool call comes about
  // 2.1 s in, just after one went out, so for most of the throttle interval (1 s) the server has
  // not heard of it: the worker is killed in that time.
  inHeartbeatWindow: freshAnswerPerCall((turn, id) => turnScript(turn, 2050, id)),
});

const sawEvent = (events: GenerationEvent[], type: 'tool.started' | 'tool.completed', toolUseId: string): boolean =>
  eventsOfType(events, type).some((event) => event.toolUseId === toolUseId);

/** For failure messages: the tool call ids the model activity's last recorded heartbeat carried. */
async function heartbeatedToolCalls(generationId: string): Promise<unknown> {
  const description = await stack.env.client.workflow.getHandle(workflowIdFor(generationId)).describe();
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
  await stack.startWorker();
  const client = new ApiClient(stack.api.url);
  const id = await client.create(promptFor(scenario));
  const poller = stack.poll(id);

  await killWhen(poller.events);
  const firstStream = stack.fake.responses.find((response) => response.scenario === scenario && response.turn === 0);
  expect(firstStream?.endedAt).toBeUndefined(); // the model is still streaming turn 0
  await stack.worker(0).kill('SIGKILL');
  const atKill = { heartbeatedToolCalls: await heartbeatedToolCalls(id), eventsSeen: poller.events.length };

  await pause(1000);
  await stack.startWorker();
  const events = await poller.finished;
  const state = await client.state(id);
  const counters = readCounters(path.join(stack.workspaceDir, id));
  const evidence = {
    atKill,
    counters,
    failedPolls: poller.failures.length,
    timeline: timeline(events),
  };

  withEvidence(evidence, () =>
    expectSurvivedCrash({ events, eventsAtCrash: atKill.eventsSeen, state, counters, requests: stack.fake.requests.filter((request) => request.scenario === scenario) }),
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
