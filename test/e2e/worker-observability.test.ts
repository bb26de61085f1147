import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { startFakeAnthropic, type FakeAnthropicServer, type Scenario } from '../../src/fake-anthropic';
import { startApiServer, type RunningApi } from '../../src/runtime/api-server';
import { createStorage } from '../../src/storage/storage';
import { ApiClient } from '../support/api-client';
import type { ManagedProcess } from '../support/managed-process';
import { freePort } from '../support/ports';
import { promptFor } from '../support/scenario';
import { createTemporalEnv } from '../support/temporal-env';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess } from '../support/worker-process';

const anthropicKey = 'sk-ant-WORKEROBS-' + 'q'.repeat(24);
const scenarios: Record<string, Scenario> = {
  tools: [
    {
      steps: [
        { type: 'text', text: 'Two tools.' },
        { type: 'tool_use', id: 'toolu_obs_write', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
        { type: 'tool_use', id: 'toolu_obs_fail', name: 'fail', input: { key: 'obs', times: 99 } },
      ],
      usage: { inputTokens: 1000, outputTokens: 200 },
    },
    { steps: [{ type: 'text', text: 'Done.' }], usage: { inputTokens: 1500, outputTokens: 50 } },
  ],
};

/** A local OTLP/HTTP receiver: what an OpenTelemetry collector would be sent. */
interface Receiver {
  url: string;
  spanNames: string[];
  close(): Promise<void>;
}
async function startOtlpReceiver(): Promise<Receiver> {
  const spanNames: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: { name: string }[] }[] }[] };
        for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spanNames.push(span.name);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spanNames, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let env: TestWorkflowEnvironment;
let fake: FakeAnthropicServer;
let api: RunningApi;
let worker: ManagedProcess;
let receiver: Receiver;
let metricsPort: number;
let workspaceDir: string;

beforeAll(async () => {
  env = await createTemporalEnv();
  fake = await startFakeAnthropic({ scenarios });
  receiver = await startOtlpReceiver();
  workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-obs-'));
  const storeDir = path.join(workspaceDir, '.store');
  const taskQueue = `toolstream-obs-${process.pid}-${Date.now()}`;
  metricsPort = await freePort();
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: env.address,
    TOOLSTREAM_TASK_QUEUE: taskQueue,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: anthropicKey,
    TOOLSTREAM_WORKSPACE_DIR: workspaceDir,
    TOOLSTREAM_STORE_DIR: storeDir,
    TOOLSTREAM_WORKER_METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'debug',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: 'toolstream-worker-test',
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', TEMPORAL_ADDRESS: env.address, TOOLSTREAM_TASK_QUEUE: taskQueue, TOOLSTREAM_STORE_DIR: storeDir });
  api = await startApiServer({ config, storage: await createStorage(config), connection: env.connection, health: async () => ({ ok: true, details: {} }) });
});

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await api?.close();
  await fake?.close();
  await receiver?.close();
  await env?.teardown();
  if (workspaceDir) fs.rmSync(workspaceDir, { recursive: true, force: true });
});

function sample(text: string, prefix: string): number {
  const lines = text.split('\n').filter((line) => line.startsWith(prefix));
  return lines.reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

let generationId: string;

test('a worker process: Temporal runtime metrics and ours on TOOLSTREAM_WORKER_METRICS_PORT after a real generation', async () => {
  const client = new ApiClient(api.url);
  generationId = await client.create(promptFor('tools'));
  await client.pollToEnd(generationId);
  const state = await client.state(generationId);
  expect(state.status).toBe('completed');

  // The worker records the workflow's completion a moment after the API shows it: scrape until it has.
  let text = '';
  const complete = (): boolean => sample(text, 'toolstream_model_turns_total{') >= 2 && sample(text, 'temporal_workflow_completed_total{') >= 1;
  for (const until = Date.now() + 30_000; !complete() && Date.now() < until; ) {
    text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    if (!complete()) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Temporal's own worker metrics.
  expect(text).toMatch(/^temporal_activity_execution_latency/m);
  expect(text).toMatch(/^temporal_workflow_completed_total/m);
  // Ours: model turns, tokens and cost, tools by outcome, dispatch latency.
  expect(sample(text, 'toolstream_model_turns_total{') ).toBe(2);
  expect(text).toMatch(/^toolstream_model_turns_total\{[^}]*outcome="completed"[^}]*\} 2$/m);
  expect(sample(text, 'toolstream_model_tokens_total{') ).toBe(state.usage.inputTokens + state.usage.outputTokens + state.usage.cacheReadInputTokens + state.usage.cacheCreationInputTokens);
  expect(text).toMatch(/^toolstream_model_tokens_total\{[^}]*kind="input"[^}]*\} 2500$/m);
  expect(sample(text, 'toolstream_model_cost_micro_usd_total{')).toBe(Math.round((state.costUsd as number) * 1e6));
  expect(text).toMatch(/^toolstream_tool_runs_total\{[^}]*outcome="ok"[^}]*tool="write_file"[^}]*\} 1$|^toolstream_tool_runs_total\{[^}]*tool="write_file"[^}]*outcome="ok"[^}]*\} 1$/m);
  const failedAttempts = state.tools.find((tool) => tool.id === 'toolu_obs_fail')?.attempts ?? 0;
  expect(failedAttempts).toBeGreaterThan(0);
  expect(sample(text, 'toolstream_tool_runs_total{') ).toBe(1 + failedAttempts);
  expect(sample(text, 'toolstream_tool_dispatch_latency_ms_count{')).toBe(1 + failedAttempts);
});

test('worker log lines are JSON with the generation, workflow and tool_use ids; the API key is in none', () => {
  const lines = worker.output().split('\n').filter((line) => line.trim().length > 0);
  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(entries.every((entry) => typeof entry.level === 'string' && typeof entry.msg === 'string')).toBe(true);
  const ours = entries.filter((entry) => entry.generationId === generationId);
  expect(ours.some((entry) => entry.workflowId === `gen-${generationId}`)).toBe(true);
  expect(ours.some((entry) => entry.toolUseId === 'toolu_obs_fail' && entry.activityType === 'runTool')).toBe(true);
  expect(worker.output()).not.toContain(anthropicKey);
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT the worker exports workflow and activity spans', async () => {
  const names = ['RunWorkflow:generationWorkflow', 'StartActivity:streamModelTurn', 'RunActivity:streamModelTurn', 'RunActivity:runTool', 'HandleSignal:modelStream'];
  await waitFor('workflow, activity and signal spans at the OTLP receiver', () => names.every((name) => receiver.spanNames.includes(name)), 30_000);
  expect(receiver.spanNames.filter((name) => name === 'RunActivity:runTool').length).toBeGreaterThanOrEqual(2);
});

