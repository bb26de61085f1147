// Scripts behind the recorded SSE transcripts in test/fixtures/sse/. Shared by
// write-fixtures.ts (which records them) and fixtures.test.ts (which checks the
// recordings still match what the server produces).
import { join } from 'path';
import type { FakeAnthropicServer, ScriptedTurn } from '../../src/fake-anthropic';
import { postRaw, rawStreamRequest } from './helpers';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'sse');

const APP_JS = 'const greet = (name) => `Hello, ${name}!`;\nconsole.log(greet("wörld"));\n';

export const FIXTURE_SCENARIOS: Record<string, ScriptedTurn> = {
  'text-and-tool': {
    usage: { inputTokens: 1180, cacheReadInputTokens: 950, cacheCreationInputTokens: 0 },
    steps: [
      { type: 'text', text: "I'll create the script first, then look at the project layout." },
      // Crosses the ~2 s ping interval so a ping lands between content blocks.
      { type: 'pause', ms: 2100 },
      { type: 'tool_use', name: 'write_file', input: { path: 'src/app.js', content: APP_JS } },
      { type: 'text', text: 'Now the file list:' },
      { type: 'tool_use', name: 'list_files' },
    ],
  },
  'thinking-and-server-tool': {
    usage: { inputTokens: 2045, outputTokens: 212 },
    steps: [
      {
        type: 'thinking',
        thinking: 'The user asks about the current Node.js LTS. That changes over time, so I should search instead of guessing.',
        signature: 'EqQBCkYIBRgCIkBg5pZ3ek0pOVFrrvAX9p4b0pX8zFRDIfyGc3ZdG1EhYW0mFq7l7Bg8yZbE0nY5F8V2ZC0fX6mQ1p0Jc0bTz9sQEgw0l9oX',
      },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YsVk6ptgS7p5yOjKpCr6y2ZJgjBt6yy0ctV/xa+7ql0KhSbNYBzuKw==' },
      { type: 'server_tool_use', id: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE', name: 'web_search', input: { query: 'Node.js current LTS version' } },
      {
        type: 'web_search_tool_result',
        toolUseId: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE',
        content: [
          { type: 'web_search_result', title: 'Node.js — Previous Releases', url: 'https://nodejs.org/en/about/previous-releases', encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y', page_age: '3 days ago' },
          { type: 'web_search_result', title: 'Node.js Release Schedule', url: 'https://github.com/nodejs/release', encrypted_content: 'Ev0DCioIARgBIiQ1ZWU0YTg4ZS0xNGM4LTQ2ZTItOGI2NC05YWU3Njc4YjEwOGYSD', page_age: null },
        ],
      },
      { type: 'text', text: 'According to the Node.js release page, the current LTS line is listed under "Active LTS" — check it for the exact version.' },
    ],
  },
  'max-tokens-cut': {
    usage: { inputTokens: 860 },
    steps: [
      { type: 'text', text: 'Writing the config and the data file.' },
      { type: 'tool_use', name: 'write_file', input: { path: 'config.json', content: '{\n  "debug": true\n}\n' } },
      { type: 'tool_use', name: 'write_file', input: { path: 'data.csv', content: 'id,name,score\n1,Ada,97\n2,Grace,95\n3,Linus,88\n' }, cut: true },
    ],
  },
  'invalid-tool-json': {
    usage: { inputTokens: 640 },
    steps: [
      { type: 'tool_use', name: 'write_file', rawJson: '{"path": "notes.txt", "content": "first line\\nsecond line",}' },
      { type: 'tool_use', name: 'read_file', input: { path: 'notes.txt' } },
    ],
  },
};

/** Streams a fixture scenario from a fresh server and returns the exact body bytes. */
export async function recordFixture(server: FakeAnthropicServer, name: string): Promise<Buffer> {
  const res = await postRaw(server.url, rawStreamRequest(`[[scenario:${name}]] fixture`));
  if (res.status !== 200) throw new Error(`fixture ${name}: HTTP ${res.status} ${res.body.toString()}`);
  return res.body;
}

export function fixtureScenarioMap(): Record<string, ScriptedTurn[]> {
  return Object.fromEntries(Object.entries(FIXTURE_SCENARIOS).map(([name, turn]) => [name, [turn]]));
}
