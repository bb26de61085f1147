import type { Browser, Page } from 'playwright-core';
import type { Scenario } from '../../src/fake-anthropic';
import { startApiProcess, stopApiProcess } from '../support/api-process';
import { promptFor } from '../support/scenario';
import { launchChromium, screenshotPath } from '../support/screenshots';
import { useHarness } from '../support/toolstream-harness';

const scenarios: Record<string, Scenario> = {
  build: [
    {
      steps: [
        { type: 'thinking', thinking: 'A landing page: one index.html first, then wait a little.', signature: 'sig-web-thinking' },
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
  // Long enough to restart the API in the middle: text in pieces between three tools.
  steady: [
    {
      steps: [
        { type: 'text', text: 'Starting on the task now. '.repeat(6) },
        { type: 'tool_use', id: 'toolu_steady_1', name: 'write_file', input: { path: 'plan.md', content: '# plan' } },
        { type: 'text', text: 'Still going, step by step. '.repeat(10) },
        { type: 'tool_use', id: 'toolu_steady_2', name: 'sleep', input: { ms: 1500 } },
        { type: 'text', text: 'Nearly there now. '.repeat(10) },
      ],
      tokensPerSecond: 40,
    },
    { steps: [{ type: 'text', text: 'Finished the task. '.repeat(6) }], tokensPerSecond: 40 },
  ],
  // A tool that fails all three of its attempts, then succeeds once retried.
  'retry-web': (_request, { turn }) =>
    turn === 0
      ? { steps: [{ type: 'text', text: 'Trying the flaky step. ' }, { type: 'tool_use', id: 'toolu_web_fail', name: 'fail', input: { key: 'web-retry', times: 3 } }] }
      : { steps: [{ type: 'text', text: 'It worked on the retry.' }] },
};

// A failed tool waits for a retry/skip decision rather than going straight back to the model.
const harness = useHarness({ scenarios, env: { TOOLSTREAM_TOOL_DECISION_TIMEOUT: '120000' } });
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
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
  // The thinking shows apart from the text, dimmed, in a labelled region.
  const thinking = page.getByRole('log', { name: "The model's thinking" });
  expect(await thinking.textContent()).toBe('A landing page: one index.html first, then wait a little.');
  expect(await page.locator('#text').textContent()).not.toContain('A landing page');
  expect(await thinking.evaluate((node) => node.ownerDocument.defaultView?.getComputedStyle(node).fontStyle)).toBe('italic');
  expect(await thinking.evaluate((node) => node.ownerDocument.defaultView?.getComputedStyle(node).color)).toBe('rgb(136, 136, 136)');
  // What the AI is doing names the running tool by its summary; a running tool offers cancel only.
  await page.locator('#activity', { hasText: 'sleep 2500ms' }).waitFor();
  expect(await sleepRow.locator('button').allTextContents()).toEqual(['cancel']);
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

  // Buttons call the API and show its error when it refuses; a finished tool offers no commands.
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.locator('#message', { hasText: '409 conflict' }).waitFor();
  expect(await page.locator('tr[data-tool="toolu_web_1"] button').count()).toBe(0);

  await page.goto(harness.toolstream.url + '/');
  await page.locator('#generations a', { hasText: 'Build a landing page' }).first().waitFor({ timeout: 20_000 });
  await page.screenshot({ path: screenshotPath('list.png'), fullPage: true });
});

/** The seqs the page received, in order (the page keeps them in window.toolstreamReceivedSeqs). */
async function receivedSeqs(page: Page): Promise<number[]> {
  return page.evaluate(() => (globalThis as unknown as { toolstreamReceivedSeqs: number[] }).toolstreamReceivedSeqs.slice());
}

test('the API restarts mid-generation and the page carries on: every event once, in order, and the same state as the API', async () => {
  let api = await startApiProcess(harness.env, harness);
  try {
    const id = await harness.api.create(promptFor('steady', 'Write the plan'));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${api.url}/generations/${id}`);
    await page.locator('tr[data-tool="toolu_steady_1"] td', { hasText: '✅' }).waitFor({ timeout: 30_000 });

    await stopApiProcess(api);
    const seqsAtRestart = (await receivedSeqs(page)).length;
    await page.locator('#connection', { hasText: 'reconnecting' }).waitFor();
    api = await startApiProcess(harness.env, harness, api.port);

    await page.locator('#connection', { hasText: 'finished' }).waitFor({ timeout: 60_000 });
    const state = await harness.api.state(id);
    expect(state.status).toBe('completed');
    const seqs = await receivedSeqs(page);
    // Mid-generation: part of the events came before the restart, the rest from the new API process.
    expect(seqsAtRestart).toBeGreaterThan(0);
    expect(seqsAtRestart).toBeLessThan(state.lastSeq);
    expect(seqs).toEqual(Array.from({ length: state.lastSeq }, (_, i) => i + 1));
    expect(await page.locator('#text').textContent()).toBe(state.text);
    const rows = await page.locator('#tools tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-tool'), tr.getAttribute('data-status')]));
    expect(rows).toEqual(state.tools.map((tool) => [tool.id, tool.status]));
    const tokens = state.usage.inputTokens + state.usage.outputTokens + state.usage.cacheReadInputTokens + state.usage.cacheCreationInputTokens;
    expect(await page.locator('#status-line').textContent()).toContain(`Tokens: ${tokens.toLocaleString('en-US')} | Cost: $${(state.costUsd ?? NaN).toFixed(4)}`);
    await page.close();
  } finally {
    await stopApiProcess(api);
  }
});

test('a tool that failed for good waits with ✋; clicking retry runs it again and it goes ✅', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const id = await harness.api.create(promptFor('retry-web', 'Try the flaky step'));
  await page.goto(`${harness.toolstream.url}/generations/${id}`);
  const row = page.locator('tr[data-tool="toolu_web_fail"]');
  await row.locator('td', { hasText: '✋' }).waitFor({ timeout: 60_000 });
  await page.locator('#activity', { hasText: 'retry or skip' }).waitFor();
  expect(await row.locator('button').allTextContents()).toEqual(['retry', 'skip']);
  await page.screenshot({ path: screenshotPath('live-view-decision.png'), fullPage: true });

  await row.getByRole('button', { name: /^retry / }).click();
  await row.locator('td', { hasText: '✅' }).waitFor({ timeout: 60_000 });
  await page.locator('#connection', { hasText: 'finished' }).waitFor({ timeout: 30_000 });
  const state = await harness.api.state(id);
  expect(state.status).toBe('completed');
  expect(state.tools.find((tool) => tool.id === 'toolu_web_fail')).toEqual(expect.objectContaining({ status: 'completed', attempts: 4 }));
  expect(await row.getAttribute('data-status')).toBe('completed');
  expect(await page.locator('#message').textContent()).toBe('');
  await page.close();
});
