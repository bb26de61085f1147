import { defaultAskTimeoutMs, defaultToolPolicy, type ToolPolicy } from '../shared/tool-policy';
import { HttpError } from './http-error';
import type { CreateGenerationBody } from './request-schemas';

/**
 * The policy a new generation runs with: the request's fields over the defaults. The server's
 * TOOLSTREAM_TOOL_DECISION_TIMEOUT stays the default of `onToolFailure` (above 0: `ask`, that long).
 */
export function toolPolicyFor(body: CreateGenerationBody, serverDecisionTimeoutMs: number, knownTools: readonly string[]): ToolPolicy {
  const known = new Set(knownTools);
  const check = (field: string, names: readonly string[]): string[] => {
    const unknown = names.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      const message = `Invalid body: ${field}: unknown tool ${unknown.map((name) => JSON.stringify(name)).join(', ')} (tools: ${knownTools.join(', ')})`;
      throw new HttpError(400, 'invalid_request', message, { issues: [{ field, message: `unknown tool ${unknown.join(', ')}` }] });
    }
    return [...new Set(names)];
  };
  const onToolFailure = body.onToolFailure ?? (serverDecisionTimeoutMs > 0 ? 'ask' : 'report');
  const askTimeout = serverDecisionTimeoutMs > 0 ? serverDecisionTimeoutMs : defaultAskTimeoutMs;
  return {
    onToolFailure,
    toolDecisionTimeoutMs: onToolFailure === 'ask' ? (body.toolDecisionTimeoutMs ?? askTimeout) : 0,
    approval: check('approval', body.approval ?? defaultToolPolicy.approval),
    approvalTimeoutMs: body.approvalTimeoutMs ?? defaultToolPolicy.approvalTimeoutMs,
    maxParallelTools: body.maxParallelTools ?? defaultToolPolicy.maxParallelTools,
    eagerTools: body.eagerTools === undefined || body.eagerTools === 'all' ? 'all' : check('eagerTools', body.eagerTools),
  };
}
