import type Anthropic from '@anthropic-ai/sdk';
import { DEFAULT_SCENARIO_NAME, SCRIPT_FINISHED_TEXT, type ScenarioContext, type ScriptedTurn } from '../../src/fake-anthropic';
import { MODEL, streamEvents, useFakeAnthropic, userPrompt } from './helpers';

const seenContexts: ScenarioContext[] = [];

const twoTurns: ScriptedTurn[] = [
  { steps: [{ type: 'text', text: 'turn zero' }, { type: 'tool_use', name: 'read_file', input: { path: 'a' } }] },
  { steps: [{ type: 'text', text: 'turn one' }] },
];

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe('fake-anthropic scenario selection', () => {
  const fake = useFakeAnthropic({
    scenarios: {
      twoTurns,
      counted: (request, ctx) => {
        seenContexts.push(ctx);
        return { steps: [{ type: 'text', text: `turn ${ctx.turn} call ${ctx.callIndex} of ${request.messages.length}` }] };
      },
    },
    defaultScenario: [{ steps: [{ type: 'text', text: 'default answer' }] }],
  });

  const create = (messages: Anthropic.MessageParam[]): Promise<Anthropic.Message> =>
    fake.client.messages.create({ model: MODEL, max_tokens: 100, messages });

  it('picks the scenario tagged in the first user message (string or first text block)', async () => {
    expect(textOf(await create(userPrompt('please [[scenario:twoTurns]] go')))).toBe('turn zero');
    const blocks: Anthropic.MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: '[[scenario:twoTurns]] build' }, { type: 'text', text: '[[scenario:counted]]' }] },
    ];
    expect(textOf(await create(blocks))).toBe('turn zero');
  });

  it('falls back to defaultScenario and ignores tags outside the first user message', async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: 'no tag' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: '[[scenario:twoTurns]]' },
    ];
    expect(textOf(await create(userPrompt('no tag')))).toBe('default answer');
    expect(textOf(await create(messages))).toBe(SCRIPT_FINISHED_TEXT);
    expect(fake.server.requests[fake.server.requests.length - 1]).toMatchObject({ scenario: DEFAULT_SCENARIO_NAME, turn: 1 });
  });

  it('advances by assistant messages and finishes with "(script finished)"', async () => {
    const first = await create(userPrompt('[[scenario:twoTurns]]'));
    const toolUse = first.content.find((b) => b.type === 'tool_use');
    if (toolUse?.type !== 'tool_use') throw new Error('expected a tool_use');
    const history: Anthropic.MessageParam[] = [
      ...userPrompt('[[scenario:twoTurns]]'),
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'file a' }] },
    ];
    const second = await create(history);
    expect(textOf(second)).toBe('turn one');
    expect(second.stop_reason).toBe('end_turn');
    const third = await create([...history, { role: 'assistant', content: 'turn one' }, { role: 'user', content: 'more?' }]);
    expect(textOf(third)).toBe(SCRIPT_FINISHED_TEXT);
    expect(third.stop_reason).toBe('end_turn');
  });

  it('replays identical tool ids when the same turn is requested again', async () => {
    const idsOf = async (): Promise<string[]> =>
      (await streamEvents(fake.client, userPrompt('[[scenario:twoTurns]]'))).flatMap((e) =>
        e.type === 'content_block_start' && e.content_block.type === 'tool_use' ? [e.content_block.id] : [],
      );
    const first = await idsOf();
    expect(first).toHaveLength(1);
    expect(await idsOf()).toEqual(first);
  });

  it('passes turn and per-scenario callIndex to function scenarios', async () => {
    seenContexts.length = 0;
    expect(textOf(await create(userPrompt('[[scenario:counted]]')))).toBe('turn 0 call 0 of 1');
    expect(textOf(await create(userPrompt('[[scenario:counted]]')))).toBe('turn 0 call 1 of 1');
    const later = await create([...userPrompt('[[scenario:counted]]'), { role: 'assistant', content: 'x' }, { role: 'user', content: 'y' }]);
    expect(textOf(later)).toBe('turn 1 call 2 of 3');
    expect(seenContexts).toEqual([
      { turn: 0, callIndex: 0 },
      { turn: 0, callIndex: 1 },
      { turn: 1, callIndex: 2 },
    ]);
  });

  it('records requests with scenario, turn, body and headers', async () => {
    const before = fake.server.requests.length;
    await create(userPrompt('[[scenario:twoTurns]] recorded'));
    const recorded = fake.server.requests[before];
    expect(recorded.scenario).toBe('twoTurns');
    expect(recorded.turn).toBe(0);
    expect(recorded.body).toMatchObject({ model: MODEL, max_tokens: 100, messages: userPrompt('[[scenario:twoTurns]] recorded') });
    expect(recorded.headers['content-type']).toContain('application/json');
    expect(recorded.at).toBeLessThanOrEqual(Date.now());
  });
});
