import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Scenario } from '../../src/fake-anthropic';
import { promptFor } from '../support/scenario';
import { bundleWorkflows, createTemporalEnv } from '../support/temporal-env';
import { startHarness, type Harness } from '../support/toolstream-harness';

/** The committed screenshots in docs/ are refreshed only on request (UPDATE_SCREENSHOTS=1); a plain test run leaves the tree clean. */
function screenshotPath(name: string): string {
  return process.env.UPDATE_SCREENSHOTS === '1' ? path.join('docs', 'screenshots', name) : path.join(os.tmpdir(), `toolstream-${name}`);
}

const scenarios: Record<string, Scenario> = {
  build: [
    {
      steps: [
        { type: 'text', text: 'Setting up the project files. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_web_1', name: 'write_file', input: { path: 'index.html', content: '<h1>hi</h1>' } },
        { type: 'text', text: 'Now a slower step. '.repeat(4) },
        { type: 'tool_use', id: 'toolu_web_2', name: 'sleep', input: { ms: 2500 } },
      ],
      tokensPerSecond: 60,
      usage: { inputTokens: 1500, outputTokens: 400, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    },
    { steps: [{ type: 'text', text: 'All done here.' }] },
  ],
};

let env: TestWorkflowEnvironment;
let harness: Harness;
let browser: Browser;
beforeAll(async () => {
  env = await createTemporalEnv();
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

test('start from the form, watch text stream and tools go ⏳ → ✅, with the status line updating', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(harness.toolstream.url + '/');
  await page.getByLabel('Prompt').fill(promptFor('build', 'Build a landing page'));
  await page.getByLabel('Max iterations').fill('5');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForURL(/\/generations\/[\w-]+$/);

  const sleepRow = page.locator('tr[data-tool="toolu_web_2"]');
  await sleepRow.locator('td', { hasText: '⏳' }).waitFor({ timeout: 20_000 });
  // Mid-generation: text has streamed, the first tool is done while the second runs.
  await page.locator('tr[data-tool="toolu_web_1"] td', { hasText: '✅' }).waitFor();
  expect(await page.locator('#text').textContent()).toContain('Setting up the project files.');
  expect(await page.locator('#status-line').textContent()).toMatch(/^⏱ \d+s \| Iteration 1 \| Tokens: [\d,]+ \| Cost: \$\d+\.\d{4}$/);
  await page.screenshot({ path: screenshotPath('live-view.png'), fullPage: true });

  await sleepRow.locator('td', { hasText: '✅' }).waitFor({ timeout: 20_000 });
  await page.locator('#connection', { hasText: 'finished' }).waitFor({ timeout: 20_000 });
  const text = await page.locator('#text').textContent();
  const state = await harness.api.state(/generations\/([\w-]+)$/.exec(page.url())?.[1] as string);
  expect(text).toBe(state.text);
  const tokens = state.usage.inputTokens + state.usage.outputTokens + state.usage.cacheReadInputTokens + state.usage.cacheCreationInputTokens;
  expect(await page.locator('#status-line').textContent()).toContain(`Iteration 2 | Tokens: ${tokens.toLocaleString('en-US')} | Cost: $${(state.costUsd as number).toFixed(4)}`);
  expect(await page.locator('#timeline .bar').count()).toBe(4);
  await page.screenshot({ path: screenshotPath('live-view-finished.png'), fullPage: true });

  // Buttons call the API and show its error when it refuses.
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.locator('#message', { hasText: '409 conflict' }).waitFor();
  await page.locator('tr[data-tool="toolu_web_1"] button[data-decision="approve"]').click();
  await page.locator('#message', { hasText: '404 route_not_found' }).waitFor();

  await page.goto(harness.toolstream.url + '/');
  await page.locator('#generations a', { hasText: 'Build a landing page' }).first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: screenshotPath('list.png'), fullPage: true });
});
