import { status as grpcStatus } from '@grpc/grpc-js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { InFlightCalls } from '../../src/server/in-flight-calls';
import { generationWorkflow } from '../../src/workflows';
import { eventsQuery } from '../../src/shared/definitions';
import { createTemporalEnv } from '../support/temporal-env';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTemporalEnv();
});

afterAll(async () => {
  await env?.teardown();
});

test('close cancels a call that is waiting on Temporal, waits for it, and refuses new calls', async () => {
  // No worker polls this task queue, so a query waits until its deadline: the call stays in flight.
  const handle = await env.client.workflow.start(generationWorkflow, {
    taskQueue: `no-worker-${Date.now()}`,
    workflowId: `in-flight-${Date.now()}`,
    args: [{ generationId: 'in-flight', prompt: 'never runs' } as Parameters<typeof generationWorkflow>[0]],
  });
  const calls = new InFlightCalls(env.connection);
  let settled = false;
  const waiting = calls.run(() => handle.query(eventsQuery, { after: 0, limit: 1 })).finally(() => {
    settled = true;
  });
  const outcome = waiting.then(
    () => 'answered',
    (err: Error) => (err.cause as { code?: number } | undefined)?.code,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(settled).toBe(false);

  await calls.close();
  expect(settled).toBe(true);
  expect(await outcome).toBe(grpcStatus.CANCELLED);
  await expect(calls.run(() => handle.describe())).rejects.toThrow('The API is shutting down');
  await handle.terminate('test over');
});
