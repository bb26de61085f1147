import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Scenario, ScriptedTurn } from '../../src/fake-anthropic';
import { workflowIdFor } from '../../src/shared/generation';
import { findTemporalCli } from '../../src/temporal/temporal-cli';
import { freePort } from '../support/ports';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';
import { eventually } from '../support/wait-for';

const run = promisify(execFile);

/** The committed screenshot in docs/ is refreshed only on request (UPDATE_SCREENSHOTS=1). */
function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? path.join('docs', 'screenshots', name) : path.join(os.tmpdir(), `toolstream-${name}`);
}

const alwaysUnavailable: ScriptedTurn = {
  steps: [],
  httpError: { status: 503, errorType: 'api_error', message: 'Service unavailable', retryAfterSeconds: 0.05 },
};

const scenarios: Record<string, Scenario> = {
  build: [
    {
      steps: [
        { type: 'text', text: 'Writing the page. ' },
        { type: 'tool_use', id: 'toolu_ui_1', name: 'write_file', input: { path: 'index.html', content: '<h1>hi</h1>' } },
        { type: 'tool_use', id: 'toolu_ui_2', name: 'fail', input: { key: 'ui-fail', times: 1 } },
      ],
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    },
    { steps: [{ type: 'text', text: 'Done.' }] },
  ],
  blocked: () => alwaysUnavailable,
};

let env: TestWorkflowEnvironment;
let harness: Harness;
let browser: Browser;
let uiUrl: string;
beforeAll(async () => {
  const uiPort = await freePort();
  uiUrl = `http://127.0.0.1:${uiPort}`;
  env = await createTemporalEnv({ uiPort });
  harness = await startHarness(env, await bundleWorkflows(), { scenarios });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
  await env?.teardown();
});

async function temporal<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(findTemporalCli(), [...args, '--address', env.address, '--output', 'json'], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

interface HistoryEvent {
  eventType: string;
  userMetadata?: { summary?: { data: string } };
}

/** The summaries the workflow gave its commands, by event type (payloads are base64 JSON in the CLI's output). */
function summariesByType(events: HistoryEvent[]): Record<string, string[]> {
  const byType: Record<string, string[]> = {};
  for (const event of events) {
    const data = event.userMetadata?.summary?.data;
    if (data === undefined) continue;
    (byType[event.eventType] ??= []).push(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as string);
  }
  return byType;
}

interface ListedExecution {
  execution: { workflowId: string };
}

test('an operator finds the blocked generation by ToolstreamStatus and sees summary and details in the CLI and the Web UI', async () => {
  const built = await harness.api.create(promptFor('build', 'Build a landing page\nwith a header and a footer'));
  const blocked = await harness.api.create(promptFor('blocked', 'Summarise the logs'));
  await harness.api.pollToEnd(built);
  await harness.api.waitForState(blocked, (state) => state.status === 'blocked');

  const listBlocked = () => temporal<ListedExecution[]>('workflow', 'list', '--query', 'ToolstreamStatus="blocked"');
  const listed = await eventually(listBlocked, (rows) => rows.length > 0);
  expect(listed.map((row) => row.execution.workflowId)).toEqual([workflowIdFor(blocked)]);
  const completed = await eventually(
    () => temporal<ListedExecution[]>('workflow', 'list', '--query', 'ToolstreamStatus="completed" AND ToolstreamToolFailures=0 AND ToolstreamIterations=2'),
    (rows) => rows.length > 0,
  );
  expect(completed.map((row) => row.execution.workflowId)).toEqual([workflowIdFor(built)]);

  // describe: the static summary and details the API set at start.
  const description = await temporal<{ executionConfig: { userMetadata: { summary: unknown; details: unknown } } }>(
    'workflow', 'describe', '--workflow-id', workflowIdFor(built),
  );
  const metadata = JSON.stringify(description.executionConfig.userMetadata);
  expect(metadata).toContain('[[scenario:build]] Build a landing page');
  expect(metadata).not.toContain('with a header');
  expect(metadata).toContain('claude-sonnet-5-5');
  expect(metadata).toContain('max iterations');

  // metadata: the current details the workflow keeps (status, figures, the tool table with icons).
  const current = JSON.stringify(await temporal<unknown>('workflow', 'metadata', '--workflow-id', workflowIdFor(built)));
  expect(current).toContain('**completed**');
  expect(current).toMatch(/Iteration 2 \| Tokens: [\d,]+ \| Cost: \$\d+\.\d{4}/);
  expect(current).toContain('| ✅ | write_file index.html | 1 | 1 |');
  expect(current).toContain('| ✅ | fail ui-fail times=1 | 1 | 2 |');
  const blockedDetails = JSON.stringify(await temporal<unknown>('workflow', 'metadata', '--workflow-id', workflowIdFor(blocked)));
  expect(blockedDetails).toContain('**blocked**');
  expect(blockedDetails).toContain('resume, send a message or cancel');

  // History: every activity and timer says what it is.
  const history = await temporal<{ events: HistoryEvent[] }>('workflow', 'show', '--workflow-id', workflowIdFor(built));
  const summaries = summariesByType(history.events);
  expect(summaries.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).toEqual([
    'model turn 1 (claude-sonnet-5-5)',
    'write_file index.html',
    'fail ui-fail times=1',
    'fail ui-fail times=1',
    'model turn 2 (claude-sonnet-5-5)',
    'archive event log and transcript',
  ]);
  expect(summaries.EVENT_TYPE_TIMER_STARTED).toEqual(['backoff 500 ms before attempt 2 of fail ui-fail times=1']);
  const blockedHistory = await temporal<{ events: HistoryEvent[] }>('workflow', 'show', '--workflow-id', workflowIdFor(blocked));
  expect(summariesByType(blockedHistory.events).EVENT_TYPE_TIMER_STARTED).toEqual(['blocked at iteration 1: waiting for resume, a message or cancel']);

  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowIdFor(built)}`);
  // The timeline names each activity and timer by its summary.
  await page.getByText('runTool • write_file index.html').first().waitFor({ timeout: 30_000 });
  await page.getByText('backoff 500 ms before attempt 2 of fail ui-fail times=1').first().waitFor();

  // The blocked one, still running: summary, details and its current details, each rendered markdown in a frame of its own.
  await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowIdFor(blocked)}`);
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  const shown = async (): Promise<string> => {
    const texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText().catch(() => '')));
    return texts.join('\n');
  };
  const everything = await eventually(shown, (text) => text.includes('resume, send a message or cancel') && text.includes('max iterations'), 30_000);
  expect(everything).toContain('[[scenario:blocked]] Summarise the logs');
  expect(everything).toContain('claude-sonnet-5-5');
  expect(everything).toMatch(/blocked\s*·\s*⏱ \d+s \| Iteration 1/);
  expect(everything).toContain('resume, send a message or cancel');
  await page.screenshot({ path: screenshotPath('temporal-web-ui.png'), fullPage: true });
  await page.close();

  await harness.api.post(`/v1/generations/${blocked}/cancel`);
});
