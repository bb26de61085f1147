import { HttpError } from '../../src/server/http-error';
import { createGenerationBody, parseOr400 } from '../../src/server/request-schemas';
import { toolPolicyFor } from '../../src/server/tool-policy-request';

const tools = ['write_file', 'read_file', 'rename_app', 'sleep'];
const body = (extra: Record<string, unknown>) => parseOr400(createGenerationBody, { prompt: 'x', ...extra }, 'body');

describe('toolPolicyFor', () => {
  it('fills in the defaults: report unless the server has a decision window', () => {
    expect(toolPolicyFor(body({}), 0, tools)).toEqual({
      onToolFailure: 'report',
      toolDecisionTimeoutMs: 0,
      approval: [],
      approvalTimeoutMs: 86_400_000,
      maxParallelTools: 8,
      eagerTools: 'all',
    });
    expect(toolPolicyFor(body({}), 5000, tools)).toMatchObject({ onToolFailure: 'ask', toolDecisionTimeoutMs: 5000 });
    expect(toolPolicyFor(body({ onToolFailure: 'report' }), 5000, tools)).toMatchObject({ onToolFailure: 'report', toolDecisionTimeoutMs: 0 });
    expect(toolPolicyFor(body({ onToolFailure: 'ask' }), 0, tools)).toMatchObject({ onToolFailure: 'ask', toolDecisionTimeoutMs: 86_400_000 });
  });

  it('takes the request fields, tool lists without repeats', () => {
    const policy = toolPolicyFor(body({ approval: ['write_file', 'write_file', 'rename_app'], eagerTools: ['sleep'], maxParallelTools: 2, approvalTimeoutMs: 10 }), 0, tools);
    expect(policy).toMatchObject({ approval: ['write_file', 'rename_app'], eagerTools: ['sleep'], maxParallelTools: 2, approvalTimeoutMs: 10 });
  });

  it('refuses a tool name no worker offers, naming the field and the tools there are', () => {
    const refused = (() => {
      try {
        toolPolicyFor(body({ eagerTools: ['sleep', 'fly'] }), 0, tools);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(400);
    expect((refused as HttpError).message).toBe('Invalid body: eagerTools: unknown tool "fly" (tools: write_file, read_file, rename_app, sleep)');
  });

  it('refuses out-of-range fields in the schema', () => {
    expect(() => body({ maxParallelTools: 65 })).toThrow('Invalid body: maxParallelTools: must be an integer from 1 to 64');
    expect(() => body({ maxParallelTools: 1.5 })).toThrow('maxParallelTools');
    expect(() => body({ toolDecisionTimeoutMs: 5 })).toThrow('toolDecisionTimeoutMs: applies only with onToolFailure: "ask"');
    expect(() => body({ eagerTools: 'most' })).toThrow('eagerTools');
  });
});
