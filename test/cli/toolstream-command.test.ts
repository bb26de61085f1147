import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Scenario } from '../../src/fake-anthropic';
import type { StateResponse } from '../support/api-client';
import { promptFor } from '../support/scenario';
import { screenshotTerminal, updatingScreenshots } from '../support/screenshots';
import { useHarness } from '../support/toolstream-harness';

const TOKEN = 'cli-test-token';
const bin = path.join(__dirname, '../../bin/toolstream.js');
const scenarios: Record<string, Scenario> = {
  build: [
    {
      steps: [
        { type: 'text', text: 'Writing the files now.\n' },
        { type: 'tool_use', id: 'toolu_cli_1', name: 'write_file', input: { path: 'a.txt', content: 'a' } },
        { type: 'text', text: 'And one more.\n' },
        { type: 'tool_use', id: 'toolu_cli_2', name: 'sleep', input: { ms: 1500 } },
      ],
      tokensPerSecond: 100,
      usage: { inputTokens: 1200, outputTokens: 300, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
    },
    { steps: [{ type: 'text', text: 'All done.' }] },
  ],
  slow: [{ steps: [{ type: 'tool_use', id: 'toolu_slow', name: 'sleep', input: { ms: 4000 } }] }, { steps: [{ type: 'text', text: 'Slept.' }] }],
  approval: [
    {
      steps: [
        { type: 'tool_use', id: 'toolu_cli_ok', name: 'write_file', input: { path: 'ok.txt', content: 'ok' } },
        { type: 'tool_use', id: 'toolu_cli_no', name: 'write_file', input: { path: 'no.txt', content: 'no' } },
      ],
    },
    { steps: [{ type: 'text', text: 'Decided.' }] },
  ],
  rejected: [{ steps: [], httpError: { status: 400, errorType: 'invalid_request_error', message: 'bad request for the test' } }],
};

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command as a user would: piped, or on a pseudo-terminal through util-linux `script`. */
function run(args: string[], options: { tty?: boolean; env?: Record<string, string>; onOutput?: (text: string, stdin: NodeJS.WritableStream) => void } = {}): Promise<Ran> {
  const env = { ...process.env, TOOLSTREAM_API_URL: harness.toolstream.url, TOOLSTREAM_API_TOKEN: TOKEN, ...options.env };
  delete (env as Record<string, string | undefined>).NO_COLOR;
  Object.assign(env, options.env);
  const quoted = [process.execPath, bin, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = options.tty
    ? spawn('script', ['-qefc', `stty cols 120 rows 40; ${quoted}`, '/dev/null'], { env: { ...env, TERM: 'xterm-256color' } })
    : spawn(process.execPath, [bin, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    options.onOutput?.(stdout, child.stdin);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const harness = useHarness({ scenarios, env: { TOOLSTREAM_API_TOKEN: TOKEN } });

const statusLine = /⏱ \d+s \| Iteration \d+ \| Tokens: [\d,]+ \| Cost: \$\d+\.\d{4}/;
const escapeCodes = /\u001b\[/;

test('piped: `run` streams text, tool rows and the status line as plain lines, and exits 0 on completion', async () => {
  const result = await run(['run', promptFor('build')]);
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(escapeCodes);
  expect(result.stdout).toMatch(/^Writing the files now\.\n(.*\n)*And one more\.$/m);
  expect(result.stdout).toMatch(/^⏳ write_file a\.txt/m);
  expect(result.stdout).toMatch(/^✅ write_file a\.txt · \d/m);
  expect(result.stdout).toMatch(/^✅ sleep/m);
  expect(result.stdout).toContain('All done.');
  expect(result.stdout).toMatch(/Tokens: 1,5\d\d/);
  expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('completed (end_turn)');
  expect(result.stdout).toMatch(statusLine);
  expect(result.stderr).toMatch(/^generation [\w-]+$/m);
  if (updatingScreenshots) await screenshotTerminal(result.stdout, 'terminal.png', `npx toolstream run "${promptFor('build')}"`);
});

test('on a terminal: redrawn status at the bottom, colours, and the same outcome; NO_COLOR drops the colours', async () => {
  const result = await run(['run', promptFor('build')], { tty: true });
  expect(result.code).toBe(0);
  const id = /generation ([\w-]+)/.exec(result.stdout)?.[1] as string;
  expect(result.stdout).toMatch(escapeCodes);
  // log-update erases the lines it redraws.
  expect(result.stdout).toContain('\u001b[2K');
  expect(result.stdout).toMatch(statusLine);
  expect(result.stdout).toMatch(/✅ write_file a\.txt/);
  expect(result.stdout).toContain('completed (end_turn)');
  expect(result.stdout).toMatch(/\u001b\[3\dm/);

  const plain = await run(['watch', id], { tty: true, env: { NO_COLOR: '1' } });
  expect(plain.code).toBe(0);
  expect(plain.stdout).not.toMatch(/\u001b\[3\dm/);
});

test('Ctrl-C detaches and leaves the generation running; a failed generation exits non-zero', async () => {
  const id = await harness.api.create(promptFor('slow'));
  let sent = false;
  const result = await run(['watch', id], {
    tty: true,
    onOutput: (text, stdin) => {
      if (!sent && /⏳ sleep/.test(text)) {
        sent = true;
        stdin.write('\u0003');
      }
    },
  });
  expect(sent).toBe(true);
  expect(result.code).toBe(130);
  expect(result.stdout).toContain(`detached; ${id} goes on`);
  expect((await harness.api.state(id)).status).toBe('running');
  expect((await harness.api.waitForState(id, (state) => state.status === 'completed')).text).toBe('Slept.');

  const failed = await run(['run', promptFor('rejected')]);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain('failed: ');
});

test('commands print the API answer, and its error clearly when it refuses', async () => {
  const id = await harness.api.create(promptFor('build'));
  await harness.api.pollToEnd(id);
  const cancel = await run(['cancel', id]);
  expect(cancel.code).toBe(2);
  expect(cancel.stderr).toMatch(/^error: 409 conflict: /m);
  const approve = await run(['approve', id, 'toolu_cli_1']);
  expect(approve.code).toBe(2);
  expect(approve.stderr).toMatch(/^error: 409 conflict: Generation [\w-]+ is finished/m);
  const deny = await run(['deny', id, 'toolu_cli_1', '--reason', 'not now']);
  expect(deny.code).toBe(2);
  expect(deny.stderr).toMatch(/^error: 409 conflict: Generation [\w-]+ is finished/m);
  const unauthorized = await run(['watch', id], { env: { TOOLSTREAM_API_TOKEN: 'wrong' } });
  expect(unauthorized.code).toBe(2);
  expect(unauthorized.stdout).toContain('error: 401 unauthorized');
  const say = await run(['say', id, 'one', 'more', 'thing']);
  expect(say).toMatchObject({ code: 0, stdout: expect.stringContaining('message: {"id"') });
});

test('approve runs a call waiting for approval; deny --reason refuses one; both end in a completed generation', async () => {
  const id = await harness.api.create(promptFor('approval'), { approval: ['write_file'] });
  const waiting = (toolUseId: string) => (state: StateResponse) =>
    state.tools.some((tool) => tool.id === toolUseId && tool.status === 'awaiting_approval');
  await harness.api.waitForState(id, (state) => waiting('toolu_cli_ok')(state) && waiting('toolu_cli_no')(state));
  const approve = await run(['approve', id, 'toolu_cli_ok']);
  expect(approve).toMatchObject({ code: 0, stdout: `approve: ${JSON.stringify({ id, accepted: 'approve' })}\n` });
  // The other call still waits, so the generation is live: this 409 is about the tool.
  const again = await run(['approve', id, 'toolu_cli_ok']);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/^error: 409 conflict: .*not waiting for approval/m);
  const deny = await run(['deny', id, 'toolu_cli_no', '--reason', 'not that one']);
  expect(deny).toMatchObject({ code: 0, stdout: `deny: ${JSON.stringify({ id, accepted: 'deny' })}\n` });

  const watched = await run(['watch', id]);
  expect(watched.code).toBe(0);
  expect(watched.stdout).toMatch(/^✅ write_file ok\.txt/m);
  expect(watched.stdout).toContain('Decided.');
  const state = await harness.api.state(id);
  expect(state.tools.find((tool) => tool.id === 'toolu_cli_ok')).toMatchObject({ status: 'completed' });
  expect(state.tools.find((tool) => tool.id === 'toolu_cli_no')).toMatchObject({ status: 'denied', error: 'not that one' });
});
