import { randomBytes } from 'node:crypto';
import { format } from 'node:util';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { redactedMarker } from '../../src/activities/model/redact';
import { workflowIdFor } from '../../src/shared/generation';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, captureRuntimeLogs, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

const apiKey = `sk-ant-LEAKCHECK-${randomBytes(16).toString('hex')}`;
/** Goes into every prompt: the scanner must find it in each place it scans, or that scan proves nothing. */
const planted = `PLANTED-${randomBytes(16).toString('hex')}`;

const done: ScriptedTurn = { steps: [{ type: 'text', text: 'Done.' }] };
const scenarios: Record<string, Scenario> = {
  tools: [
    {
      steps: [
        { type: 'text', text: 'Writing a file.' },
        { type: 'tool_use', id: 'toolu_leak_write', name: 'write_file', input: { path: 'notes.txt', content: 'hello' } },
        { type: 'tool_use', id: 'toolu_leak_read', name: 'read_file', input: { path: 'notes.txt' } },
      ],
    },
    done,
  ],
  unauthorized: [{ steps: [], httpError: { status: 401, errorType: 'authentication_error', message: `invalid x-api-key: ${apiKey}` } }],
  rejected: [{ steps: [], httpError: { status: 400, errorType: 'invalid_request_error', message: `key ${apiKey} may not use this model` } }],
  // Retryable: the failure of the first attempt is recorded (lastFailure) and logged, then the retry succeeds.
  overloaded: (_request, ctx) =>
    ctx.callIndex === 0
      ? { steps: [], httpError: { status: 529, errorType: 'overloaded_error', message: `overloaded for ${apiKey}` } }
      : done,
  streamError: [
    { steps: [{ type: 'text', text: 'Starting.' }, { type: 'error', errorType: 'invalid_request_error', message: `revoked key ${apiKey}` }] },
  ],
  // The error arrives after a tool call went out: the turn is committed with the failure as its reason.
  streamErrorAfterTool: [
    {
      steps: [
        { type: 'tool_use', id: 'toolu_leak_partial', name: 'write_file', input: { path: 'partial.txt', content: 'x' } },
        { type: 'error', errorType: 'invalid_request_error', message: `revoked key ${apiKey}` },
      ],
    },
    done,
  ],
};

/**
 * Finds `needle` in text as is, and base64-encoded at any byte alignment (payloads are base64 in
 * exported histories), so a secret cannot hide behind an encoding the scan did not decode.
 */
function scannerFor(needle: string): (text: string) => boolean {
  const bytes = Buffer.from(needle, 'utf8');
  const encoded = [0, 1, 2].map((skip) => {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    return bytes.subarray(skip, skip + whole).toString('base64');
  });
  return (text) => text.includes(needle) || encoded.some((form) => text.includes(form));
}

/** Every string in a history, with each byte field (payload data, heartbeat details...) decoded as UTF-8. */
function decodedHistoryText(node: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
  else if (node !== null && typeof node === 'object' && !seen.has(node)) {
    seen.add(node);
    for (const value of Object.values(node)) decodedHistoryText(value, out, seen);
  }
  return out;
}

const consoleLevels = ['log', 'info', 'warn', 'error', 'debug'] as const;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let harness: Harness;
let runtimeLogs: ReturnType<typeof captureRuntimeLogs>;
const consoleLines: string[] = [];

beforeAll(async () => {
  env = await createTemporalEnv();
  bundle = await bundleWorkflows();
  // Quiet: the model failures this test provokes would print four stack traces to stderr.
  runtimeLogs = captureRuntimeLogs({ quiet: true });
  for (const level of consoleLevels) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(format(...args));
    });
  }
  // The SDK at debug level logs request and error bodies: the most a log could ever show.
  const previousLogLevel = process.env.ANTHROPIC_LOG;
  process.env.ANTHROPIC_LOG = 'debug';
  try {
    harness = await startHarness(env, bundle, { scenarios, env: { ANTHROPIC_API_KEY: apiKey } });
  } finally {
    if (previousLogLevel === undefined) delete process.env.ANTHROPIC_LOG;
    else process.env.ANTHROPIC_LOG = previousLogLevel;
  }
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
  runtimeLogs?.stop();
  jest.restoreAllMocks();
});

test('the Anthropic API key appears in no API response, workflow history or log line', async () => {
  const apiBodies: string[] = [];
  const historyDecoded: string[] = [];
  const historyExported: string[] = [];
  const states: { status: string; error?: string | null }[] = [];

  for (const scenario of Object.keys(scenarios)) {
    const created = await harness.api.request<{ id: string }>('POST', '/v1/generations', { prompt: promptFor(scenario, planted) });
    expect(created.status).toBe(201);
    apiBodies.push(JSON.stringify(created.body));
    const id = created.body.id;
    await harness.api.pollToEnd(id);
    for (const route of [`/v1/generations/${id}`, `/v1/generations/${id}/events?after=0&limit=1000`]) {
      const res = await fetch(harness.toolstream.url + route);
      expect(res.status).toBe(200);
      const text = await res.text();
      apiBodies.push(text);
      if (!route.includes('/events')) states.push(JSON.parse(text) as { status: string; error?: string | null });
    }
    const handle = env.client.workflow.getHandle(workflowIdFor(id));
    const history = await handle.fetchHistory();
    historyDecoded.push(...decodedHistoryText(history));
    historyExported.push(historyToJSON(history));
    historyDecoded.push(JSON.stringify(await handle.result()));
  }
  runtimeLogs.stop();

  // The runs went as scripted: the model calls that echoed the key failed (or, after a tool call, ended the turn).
  expect(states.map((state) => state.status)).toEqual(['completed', 'failed', 'failed', 'completed', 'failed', 'completed']);

  const hasKey = scannerFor(apiKey);
  const hasPlanted = scannerFor(planted);
  const channels = {
    'API responses': apiBodies.join('\n'),
    'workflow histories, payloads decoded': historyDecoded.join('\n'),
    'workflow histories as exported (payloads base64)': historyExported.join('\n'),
    'console output (including the SDK debug log)': consoleLines.join('\n'),
    'worker runtime log': runtimeLogs.lines.join('\n'),
  };
  for (const [channel, text] of Object.entries(channels)) {
    expect({ channel, containsKey: hasKey(text) }).toEqual({ channel, containsKey: false });
  }

  // The scans would have caught it: the key was in use, and each channel shows what it carried.
  const sentHeaders = JSON.stringify(harness.fake.requests.map((request) => request.headers));
  expect(hasKey(sentHeaders)).toBe(true);
  expect(hasKey(`payload ${Buffer.from(`{"error":"${apiKey}"}`).toString('base64')}`)).toBe(true);
  expect(channels['workflow histories as exported (payloads base64)']).not.toContain(planted);
  for (const channel of ['API responses', 'workflow histories, payloads decoded', 'workflow histories as exported (payloads base64)', 'console output (including the SDK debug log)'] as const) {
    expect({ channel, containsPlanted: hasPlanted(channels[channel]) }).toEqual({ channel, containsPlanted: true });
  }
  // Where the key-bearing error messages went, redacted: state, history, events, the SDK's and the worker's logs.
  for (const state of [states[1], states[2], states[4]]) expect(state.error).toContain(redactedMarker);
  for (const channel of ['API responses', 'workflow histories, payloads decoded', 'console output (including the SDK debug log)'] as const) {
    expect({ channel, showsRedaction: channels[channel].includes(redactedMarker) }).toEqual({ channel, showsRedaction: true });
  }
  expect(runtimeLogs.lines.some((line) => line.includes('Activity failed') && line.includes(redactedMarker))).toBe(true);
});
