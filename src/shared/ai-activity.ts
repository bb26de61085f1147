/** What the AI is doing right now, as shown to a user ("Thinking…", "Running write_file…"). */
export const AiActivityKind = {
  thinking: 'thinking',
  streaming: 'streaming',
  executingTools: 'executing_tools',
  waitingForTools: 'waiting_for_tools',
  /** Only failed tools waiting for a retry/skip decision are left. */
  awaitingDecision: 'awaiting_decision',
  /** Only tools waiting for a person's approval are left. */
  awaitingApproval: 'awaiting_approval',
  idle: 'idle',
} as const;
export type AiActivityKind = (typeof AiActivityKind)[keyof typeof AiActivityKind];

export interface AiActivity {
  kind: AiActivityKind;
  /** Names of the tools running now (they may run while the model is still streaming). */
  tools: string[];
}

export const idleActivity: AiActivity = Object.freeze({ kind: AiActivityKind.idle, tools: [] });

/** Where the model call of the current iteration is: not running, before any visible output, or producing output. */
export type ModelPhase = 'none' | 'thinking' | 'streaming';

export interface ActivityInputs {
  running: boolean;
  modelPhase: ModelPhase;
  runningToolNames: string[];
  /** Tools detected but not running: queued behind a resource or between retry attempts. */
  waitingToolNames: string[];
  /** Tools that failed for good and wait for a retry/skip decision. */
  undecidedToolNames: string[];
  /** Tools in the approval list waiting for approve/deny (absent: none). */
  unapprovedToolNames?: string[];
}

export function deriveActivity(inputs: ActivityInputs): AiActivity {
  const tools = [...inputs.runningToolNames];
  if (!inputs.running) return idleActivity;
  if (inputs.modelPhase === 'thinking') return { kind: AiActivityKind.thinking, tools };
  if (inputs.modelPhase === 'streaming') return { kind: AiActivityKind.streaming, tools };
  if (tools.length > 0) return { kind: AiActivityKind.executingTools, tools };
  if (inputs.waitingToolNames.length > 0) {
    return { kind: AiActivityKind.waitingForTools, tools: [...inputs.waitingToolNames] };
  }
  if (inputs.undecidedToolNames.length > 0) {
    return { kind: AiActivityKind.awaitingDecision, tools: [...inputs.undecidedToolNames] };
  }
  if (inputs.unapprovedToolNames && inputs.unapprovedToolNames.length > 0) {
    return { kind: AiActivityKind.awaitingApproval, tools: [...inputs.unapprovedToolNames] };
  }
  return idleActivity;
}

export function sameActivity(a: AiActivity, b: AiActivity): boolean {
  return a.kind === b.kind && a.tools.length === b.tools.length && a.tools.every((name, i) => name === b.tools[i]);
}
