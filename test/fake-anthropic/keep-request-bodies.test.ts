import type { MessagesRequestBody } from '../../src/fake-anthropic';
import { MODEL, useFakeAnthropic } from './helpers';

const seen: number[] = [];
const scenario = (request: MessagesRequestBody) => {
  // The scenario sees every request whole, whatever the fake keeps.
  seen.push(request.messages.length);
  return { steps: [{ type: 'text' as const, text: 'ok' }] };
};

function conversation(tag: string, turns: number) {
  const messages: Array<{ role: 'user' | 'assistant'; content: string }> = [{ role: 'user', content: `[[scenario:${tag}]] go` }];
  for (let i = 0; i < turns; i++) messages.push({ role: 'assistant', content: `a${i}` }, { role: 'user', content: `u${i}` });
  return messages;
}

describe("keepRequestBodies: 'last'", () => {
  const fake = useFakeAnthropic({ scenarios: { one: scenario, two: scenario }, keepRequestBodies: 'last' });

  it('keeps every request, but only the latest body of each scenario', async () => {
    for (const [tag, turns] of [['one', 0], ['two', 0], ['one', 1], ['one', 2], ['two', 1]] as const) {
      await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: conversation(tag, turns) });
    }
    const requests = fake.server.requests;
    expect(requests.map((request) => [request.scenario, request.turn, request.bodyDropped ?? false, request.body.messages.length])).toEqual([
      ['one', 0, true, 0],
      ['two', 0, true, 0],
      ['one', 1, true, 0],
      ['one', 2, false, 5],
      ['two', 1, false, 3],
    ]);
    expect(requests[3].body.model).toBe(MODEL);
    expect(seen).toEqual([1, 1, 3, 5, 3]);
  });
});

describe("keepRequestBodies by default ('all')", () => {
  const fake = useFakeAnthropic({ scenarios: { one: scenario } });

  it('keeps every body', async () => {
    await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: conversation('one', 0) });
    await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages: conversation('one', 1) });
    expect(fake.server.requests.map((request) => [request.bodyDropped ?? false, request.body.messages.length])).toEqual([
      [false, 1],
      [false, 3],
    ]);
  });
});
