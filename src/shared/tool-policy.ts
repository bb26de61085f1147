/**
 * How one generation's tools are run, chosen when it starts (POST body) and echoed in its state.
 * Every field has a default, so a generation started without a policy runs as before.
 */
export interface ToolPolicy {
  /** `report`: a tool that still fails after its attempts goes to the model as an error; `ask`: it waits for retry/skip/a message first. */
  onToolFailure: 'report' | 'ask';
  /** With `ask`: how long a failed tool waits for a decision before its error goes to the model. */
  toolDecisionTimeoutMs: number;
  /** Tools that wait for a person's approve/deny before they run. */
  approval: string[];
  /** How long a call waits for approval; then it counts as denied. */
  approvalTimeoutMs: number;
  /** At most this many tools of the generation run at once; the others wait as `pending`, in stream order. */
  maxParallelTools: number;
  /** Tools that may start while the model still streams (`all`), or the list of them; the others start when the stream ends. */
  eagerTools: 'all' | string[];
}

export const maxParallelToolsLimit = 64;

export const defaultApprovalTimeoutMs = 24 * 60 * 60 * 1000;
/** The decision window of `ask` when the server's TOOLSTREAM_TOOL_DECISION_TIMEOUT is 0 (its default, `report`). */
export const defaultAskTimeoutMs = 24 * 60 * 60 * 1000;

export const defaultToolPolicy: ToolPolicy = Object.freeze({
  onToolFailure: 'report',
  toolDecisionTimeoutMs: 0,
  approval: [],
  approvalTimeoutMs: defaultApprovalTimeoutMs,
  maxParallelTools: 8,
  eagerTools: 'all',
}) as ToolPolicy;

export function isEager(policy: ToolPolicy, toolName: string): boolean {
  return policy.eagerTools === 'all' || policy.eagerTools.includes(toolName);
}

export function needsApproval(policy: ToolPolicy, toolName: string): boolean {
  return policy.approval.includes(toolName);
}

/** The reason a denial without one gives the model. */
export const defaultDenialReason = 'none given';
export const approvalTimeoutReason = 'Nobody approved this tool call in time; it was not run.';
export const cancelledByUserMessage = 'cancelled by the user';
