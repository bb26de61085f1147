import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { toolResultPairingProblem } from '../../src/fake-anthropic/tool-result-pairing';
import type { RequestMessage } from '../../src/fake-anthropic';
import { MODEL, useFakeAnthropic, userPrompt } from './helpers';

const use = (id: string) => ({ type: 'tool_use', id, name: 'sleep', input: { ms: 1 } });
const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });
const prompt: RequestMessage = { role: 'user', content: 'go' };

describe('tool_use / tool_result pairing, as the Messages API checks it', () => {
  it('accepts each tool_use answered once in the next message, and an assistant prefill at the end', () => {
    expect(
      toolResultPairingProblem([
        prompt,
        { role: 'assistant', content: [use('a'), use('b')] },
        { role: 'user', content: [result('b'), result('a'), { type: 'text', text: 'more' }] },
        { role: 'assistant', content: [use('c')] },
      ]),
    ).toBeUndefined();
  });

  it('refuses a tool_use without its tool_result', () => {
    expect(toolResultPairingProblem([prompt, { role: 'assistant', content: [use('a'), use('b')] }, { role: 'user', content: [result('a')] }])).toMatch(
      /^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: b\./,
    );
  });

  it('refuses a tool_result for no tool_use of the message before, and two results for one call', () => {
    expect(toolResultPairingProblem([prompt, { role: 'assistant', content: [use('a')] }, { role: 'user', content: [result('a'), result('x')] }])).toMatch(
      /unexpected `tool_use_id` found in `tool_result` blocks: x/,
    );
    expect(toolResultPairingProblem([prompt, { role: 'assistant', content: [use('a')] }, { role: 'user', content: [result('a'), result('a')] }])).toMatch(
      /Found multiple `tool_result` blocks with id: a/,
    );
  });

  it('refuses a tool_use id used twice in the conversation', () => {
    expect(
      toolResultPairingProblem([
        prompt,
        { role: 'assistant', content: [use('a')] },
        { role: 'user', content: [result('a')] },
        { role: 'assistant', content: [use('a')] },
        { role: 'user', content: [result('a')] },
      ]),
    ).toBe('messages.3.content.0: `tool_use` ids must be unique');
  });

  describe('over HTTP', () => {
    const fake = useFakeAnthropic({ scenarios: { any: [{ steps: [{ type: 'text', text: 'fine' }] }] } });

    it('answers 400 invalid_request_error, and records the request', async () => {
      const messages = [
        ...userPrompt('[[scenario:any]]'),
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'sleep', input: {} }] },
        { role: 'user', content: 'no results' },
      ] as Anthropic.MessageParam[];
      const err = await fake.client.messages.create({ model: MODEL, max_tokens: 10, messages }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as APIError).apiMessage).toMatch(/without `tool_result` blocks immediately after: toolu_1/);
    });
  });
});
