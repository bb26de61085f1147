import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { costUsd, defaultPriceTable, findPrice } from '../../src/shared/pricing';
import { foldEvents } from '../../src/shared/reducer';
import { isFinished, type GenerationState } from '../../src/shared/state';
import { createApp } from '../../src/server/create-app';
import { GenerationCommands } from '../../src/server/generation-commands';
import { GenerationService } from '../../src/server/generation-service';
import { defaultGenerationOptions } from '../../src/shared/generation';
import type { GenerationEvent } from '../../src/shared/events';
import { ApiClient } from '../support/api-client';
import { useHarness } from '../support/toolstream-harness';
import { useTemporalEnv } from '../support/temporal-env';
import { eventsOfType, promptFor } from '../support/scenario';

const multibyteText = 'Héllo wörld — naïve café ✓ 日本語のテキスト 🌍🚀 Ελληνικά, русский, עברית. '.repeat(6);
const thinkingText = 'The user asks for 2 + 2.\nThat is 4; no tool is needed.';
const usagePerTurn = { inputTokens: 1000, outputTokens: 500, cacheReadInputTokens: 200, cacheCreationInputTokens: 100 };
const done: ScriptedTurn = { steps: [{ type: 'text', text: 'Finished.' }], usage: usagePerTurn };

const scenarios: Record<string, Scenario> = {
  usage: [
    { steps: [{ type: 'tool_use', id: 'toolu_usage', name: 'count', input: { key: 'u' } }], usage: usagePerTurn },
    done,
  ],
  multibyte: [{ steps: [{ type: 'text', text: multibyteText }], chunkChars: 1, byteSplit: true, tokensPerSecond: 400 }],
  thinking: [
    {
      steps: [
        { type: 'thinking', thinking: thinkingText, signature: 'sig-thinking-e2e' },
        { type: 'text', text: 'The answer is 4.' },
      ],
      chunkChars: 7,
    },
  ],
  rejected: [{ steps: [], httpError: { status: 400, errorType: 'invalid_request_error', message: 'max_tokens: too large for this model' } }],
  loops: () => ({ steps: [{ type: 'tool_use', name: 'count', input: { key: 'loop' } }] }),
  chatty: [
    {
      steps: [
        { type: 'text', text: 'Part one of a long answer. '.repeat(10) },
        { type: 'tool_use', id: 'toolu_chatty_1', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
        { type: 'text', text: 'Part two of a long answer. '.repeat(10) },
        { type: 'tool_use', id: 'toolu_chatty_2', name: 'write_file', input: { path: 'b.txt', content: 'b' } },
        { type: 'text', text: 'Part three. '.repeat(10) },
      ],
      tokensPerSecond: 150,
    },
    done,
  ],
};

const temporalEnv = useTemporalEnv();

describe('with the default event buffer', () => {
  const harness = useHarness({ scenarios }, temporalEnv);

  test('usage sums over iterations and cost follows the price table', async () => {
    const id = await harness.api.create(promptFor('usage'));
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    const perTurnCost = costUsd(findPrice(defaultPriceTable, 'claude-sonnet-5-5'), usagePerTurn) as number;
    const completedIterations = eventsOfType(events, 'iteration.completed');
    expect(completedIterations).toHaveLength(2);
    for (const iteration of completedIterations) {
      expect(iteration.usage).toEqual(usagePerTurn);
      expect(iteration.costUsd).toBeCloseTo(perTurnCost, 9);
    }
    expect(state.usage).toEqual({ inputTokens: 2000, outputTokens: 1000, cacheReadInputTokens: 400, cacheCreationInputTokens: 200 });
    expect(state.costUsd).toBeCloseTo(2 * perTurnCost, 9);
    expect(perTurnCost).toBeCloseTo((1000 * 2 + 500 * 10 + 200 * 0.2 + 100 * 2.5) / 1e6, 12);
    expect(state.iteration).toBe(2);
  });

  test('many small multi-byte deltas are rebuilt exactly from the events', async () => {
    const id = await harness.api.create(promptFor('multibyte'));
    const events = await harness.api.pollToEnd(id);
    const deltas = eventsOfType(events, 'text.delta');
    // Batched: fewer events than the one-character deltas the model sent (how many fewer depends on the
    // machine's pace against the batch window, so only that batching happened is asserted).
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.length).toBeLessThan(multibyteText.length);
    expect(deltas.map((delta) => delta.text).join('')).toBe(multibyteText);
    expect((await harness.api.state(id)).text).toBe(multibyteText);
  });

  test('thinking streams as thinking.delta events, apart from the text, and state.thinking holds it', async () => {
    const id = await harness.api.create(promptFor('thinking'));
    const events = await harness.api.pollToEnd(id);
    const thinking = eventsOfType(events, 'thinking.delta');
    expect(thinking.length).toBeGreaterThan(0);
    expect(thinking.every((event) => event.iteration === 1 && event.attempt === 1)).toBe(true);
    expect(thinking.map((event) => event.text).join('')).toBe(thinkingText);
    const firstText = events.findIndex((event) => event.type === 'text.delta');
    expect(events.findIndex((event) => event.type === 'thinking.delta')).toBeLessThan(firstText);
    const state = await harness.api.state(id);
    expect(state).toMatchObject({ status: 'completed', thinking: thinkingText, text: 'The answer is 4.' });
  });

  test('a slow poller with small pages still gets every event, the same as a fast one', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const slow = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const events: GenerationEvent[] = [];
      let cursor = 0;
      for (;;) {
        const page = await harness.api.events(id, cursor, 4);
        expect(page.gap).toBe(false);
        for (const event of page.events) {
          expect(event.seq).toBe(cursor + 1);
          events.push(event);
          cursor = event.seq;
        }
        if (isFinished(page.status) && cursor === page.lastSeq) return events;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const fast = await harness.api.pollToEnd(id, { intervalMs: 20 });
    const slowEvents = await slow;
    expect(slowEvents).toEqual(fast);
    expect(fast.length).toBeGreaterThan(20);
    expect(foldEvents(slowEvents).status).toBe('completed');
  });

  test('a request the API rejects (400) fails the generation at once with a clear error', async () => {
    const id = await harness.api.create(promptFor('rejected'));
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(state.status).toBe('failed');
    expect(state.error).toMatch(/400 invalid_request_error: max_tokens: too large for this model/);
    expect(eventsOfType(events, 'generation.failed')).toHaveLength(1);
    expect(state.activity).toEqual({ kind: 'idle', tools: [] });
    expect(harness.fake.requests.filter((request) => request.scenario === 'rejected')).toHaveLength(1);
  });

  test('the loop stops at maxIterations, with every tool_use answered', async () => {
    const id = await harness.api.create(promptFor('loops'), { maxIterations: 3 });
    const events = await harness.api.pollToEnd(id);
    const state = await harness.api.state(id);
    expect(state).toMatchObject({ status: 'completed', stopReason: 'max_iterations', iteration: 3 });
    expect(eventsOfType(events, 'tool.completed').map((event) => event.resultPreview)).toEqual(['1', '2', '3']);
    expect(harness.fake.requests.filter((request) => request.scenario === 'loops')).toHaveLength(3);
  });

  test('a finished generation stays readable with no worker running and nothing held open', async () => {
    const id = await harness.api.create(promptFor('usage'));
    const events = await harness.api.pollToEnd(id);
    // After its last event the run archives its log and conversation, then closes.
    const handle = harness.env.client.workflow.getHandle(workflowIdFor(id));
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');

    const worker = harness.toolstream.worker;
    worker.shutdown();
    await waitFor(() => worker.getState() === 'STOPPED');

    // A fresh API instance: nothing cached, no worker to replay on; it must read the workflow result.
    const handler = createApp({
      generations: new GenerationService({
        connection: harness.env.connection,
        namespace: 'default',
        taskQueue: 'unused',
        defaultModel: 'claude-sonnet-5-5',
        defaultMaxIterations: 5,
        generationOptions: defaultGenerationOptions,
        storage: harness.storage,
      }),
      commands: new GenerationCommands({ connection: harness.env.connection, namespace: 'default', taskQueue: 'unused', storage: harness.storage, onNewRun: () => undefined }),
      health: async () => ({ ok: true, details: {} }),
    });
    const server = http.createServer(handler).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const state = await api.state(id);
      expect(state.status).toBe('completed');
      expect(state.elapsedMs).toBeGreaterThan(0);
      const page = await api.events(id, 0);
      expect(page.events).toEqual(events);
      expect(page.status).toBe('completed');
      const { elapsedMs: _elapsed, ...served } = state;
      expect(foldEvents(page.events)).toEqual(served);
      expect((await api.events(id, events.length - 2)).events.map((event) => event.seq)).toEqual([events.length - 1, events.length]);
    } finally {
      server.close();
    }
  });
});

describe('with a small event buffer', () => {
  const harness = useHarness({ scenarios, env: { TOOLSTREAM_EVENT_BUFFER: '10' } }, temporalEnv);

  test('a poller older than the buffer gets gap: true and a state that, folded with the events, is exact', async () => {
    const id = await harness.api.create(promptFor('chatty'));
    const finalState = await waitForFinished(harness.api, id);
    expect(finalState.lastSeq).toBeGreaterThan(10);

    const page = await harness.api.events(id, 0);
    expect(page.gap).toBe(true);
    expect(page.events).toHaveLength(10);
    expect(page.events[0].seq).toBe(finalState.lastSeq - 9);
    expect(page.state?.lastSeq).toBe(finalState.lastSeq - 10);
    const { elapsedMs: _elapsed, ...served } = finalState;
    expect(foldEvents(page.events, page.state as GenerationState)).toEqual(served);

    const caughtUp = await harness.api.events(id, finalState.lastSeq - 3);
    expect(caughtUp.gap).toBe(false);
    expect(caughtUp.state).toBeUndefined();
    expect(caughtUp.events.map((event) => event.seq)).toEqual([finalState.lastSeq - 2, finalState.lastSeq - 1, finalState.lastSeq]);
  });
});

describe('the HTTP API answers bad input with clear JSON errors', () => {
  const harness = useHarness({ scenarios }, temporalEnv);

  test.each([
    ['missing prompt', {}, 'prompt'],
    ['empty prompt', { prompt: '   ' }, 'prompt'],
    ['wrong type', { prompt: 'x', maxIterations: 'ten' }, 'maxIterations'],
    ['out of range', { prompt: 'x', maxIterations: 0 }, 'maxIterations'],
    ['unknown field', { prompt: 'x', temperature: 2 }, 'temperature'],
  ])('POST with %s is a 400 naming the field', async (_name, body, field) => {
    const res = await harness.api.request<{ error: { code: string; message: string } }>('POST', '/v1/generations', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain(field);
  });

  test('malformed JSON is a 400, a body over 1 MB a 413, an unknown route a 404, all JSON', async () => {
    const malformed = await harness.api.request<{ error: { code: string } }>('POST', '/v1/generations', '{"prompt": ');
    expect(malformed).toEqual({ status: 400, body: { error: expect.objectContaining({ code: 'malformed_json' }) } });
    const big = await harness.api.request<{ error: { code: string } }>('POST', '/v1/generations', { prompt: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('body_too_large');
    const route = await harness.api.request<{ error: { code: string } }>('GET', '/v2/nothing');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('route_not_found');
  });

  test('an unknown generation id is a 404; a malformed one a 400; a bad cursor a 400', async () => {
    const unknown = await harness.api.request<{ error: { code: string } }>('GET', '/v1/generations/does-not-exist');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const unknownEvents = await harness.api.request('GET', '/v1/generations/does-not-exist/events?after=0');
    expect(unknownEvents.status).toBe(404);
    const malformed = await harness.api.request('GET', '/v1/generations/has%20space');
    expect(malformed.status).toBe(400);
    const badCursor = await harness.api.request<{ error: { message: string } }>('GET', '/v1/generations/abc/events?after=-1');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('after');
  });

  test('healthz is 200 once the worker and Temporal are ready', async () => {
    const res = await harness.api.request<{ ok: boolean }>('GET', '/healthz');
    expect(res).toEqual({ status: 200, body: { ok: true, details: { worker: 'RUNNING', temporal: 'ok' } } });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForFinished(api: ApiClient, id: string) {
  for (let i = 0; i < 600; i++) {
    const state = await api.state(id);
    if (isFinished(state.status)) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`generation ${id} did not finish`);
}

