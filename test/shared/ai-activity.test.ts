import { deriveActivity, idleActivity, sameActivity, type ActivityInputs, type AiActivity } from '../../src/shared/ai-activity';

function inputs(overrides: Partial<ActivityInputs>): ActivityInputs {
  return { running: true, modelPhase: 'none', runningToolNames: [], waitingToolNames: [], undecidedToolNames: [], ...overrides };
}

describe('deriveActivity', () => {
  test.each<[string, Partial<ActivityInputs>, AiActivity]>([
    ['a finished generation is idle whatever else is reported', { running: false, modelPhase: 'streaming', runningToolNames: ['write_file'] }, idleActivity],
    ['the model before visible output is thinking', { modelPhase: 'thinking' }, { kind: 'thinking', tools: [] }],
    ['thinking lists the tools already running beside it', { modelPhase: 'thinking', runningToolNames: ['read_file'] }, { kind: 'thinking', tools: ['read_file'] }],
    ['the model producing output is streaming, with its running tools', { modelPhase: 'streaming', runningToolNames: ['write_file', 'list_files'] }, { kind: 'streaming', tools: ['write_file', 'list_files'] }],
    ['streaming wins over tools that only wait', { modelPhase: 'streaming', waitingToolNames: ['write_file'] }, { kind: 'streaming', tools: [] }],
    ['no model call and running tools is executing_tools', { runningToolNames: ['write_file'], waitingToolNames: ['read_file'] }, { kind: 'executing_tools', tools: ['write_file'] }],
    ['no model call and only queued tools is waiting_for_tools, naming them', { waitingToolNames: ['write_file', 'write_file'] }, { kind: 'waiting_for_tools', tools: ['write_file', 'write_file'] }],
    ['only failed tools waiting for a decision is awaiting_decision, naming them', { undecidedToolNames: ['fail'] }, { kind: 'awaiting_decision', tools: ['fail'] }],
    ['a queued tool wins over one waiting for a decision', { waitingToolNames: ['write_file'], undecidedToolNames: ['fail'] }, { kind: 'waiting_for_tools', tools: ['write_file'] }],
    ['running with nothing going on is idle', {}, idleActivity],
  ])('%s', (_label, overrides, expected) => {
    expect(deriveActivity(inputs(overrides))).toEqual(expected);
  });

  test('the returned tool list is a copy: changing the inputs later does not change the activity', () => {
    const running = ['write_file'];
    const waiting = ['read_file'];
    const executing = deriveActivity(inputs({ runningToolNames: running }));
    const queued = deriveActivity(inputs({ waitingToolNames: waiting }));
    running.push('list_files');
    waiting.push('list_files');
    expect(executing.tools).toEqual(['write_file']);
    expect(queued.tools).toEqual(['read_file']);
  });
});

describe('sameActivity', () => {
  test('equal kind and the same tools in the same order are the same activity', () => {
    expect(sameActivity({ kind: 'streaming', tools: ['a', 'b'] }, { kind: 'streaming', tools: ['a', 'b'] })).toBe(true);
    expect(sameActivity(idleActivity, { kind: 'idle', tools: [] })).toBe(true);
  });

  test.each<[string, AiActivity, AiActivity]>([
    ['kind differs', { kind: 'thinking', tools: [] }, { kind: 'streaming', tools: [] }],
    ['tool order differs', { kind: 'executing_tools', tools: ['a', 'b'] }, { kind: 'executing_tools', tools: ['b', 'a'] }],
    ['one more tool', { kind: 'executing_tools', tools: ['a'] }, { kind: 'executing_tools', tools: ['a', 'a'] }],
  ])('not the same when the %s', (_label, a, b) => {
    expect(sameActivity(a, b)).toBe(false);
    expect(sameActivity(b, a)).toBe(false);
  });
});
