import { createToolRegistry, ToolExecutionError } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('fail', () => {
  const registry = createToolRegistry({ testTools: true });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('fails the first `times` calls retryably, then succeeds', async () => {
    for (const attempt of [1, 2, 3]) {
      await expectToolError(registry.execute('fail', { key: 'x', times: 3 }, ws.ctx), {
        retryable: true,
        message: new RegExp(`^Deliberate failure ${attempt} of 3 for key "x"$`),
      });
    }
    await expect(registry.execute('fail', { key: 'x', times: 3 }, ws.ctx)).resolves.toBe('Succeeded after 3 failures');
    await expect(registry.execute('fail', { key: 'x', times: 3 }, ws.ctx)).resolves.toBe('Succeeded after 3 failures');
    expect(await ws.readWorkspaceFile('.fail-x')).toBe('5');
  });

  it('keeps the count on disk, so a fresh registry (a restarted worker) continues it', async () => {
    await expect(registry.execute('fail', { key: 'k', times: 1 }, ws.ctx)).rejects.toBeInstanceOf(ToolExecutionError);
    const restarted = createToolRegistry({ testTools: true });
    await expect(restarted.execute('fail', { key: 'k', times: 1 }, ws.ctx)).resolves.toBe('Succeeded after 1 failure');
  });

  it('counts each key separately and per workspace', async () => {
    const other = await createTempWorkspace();
    try {
      await expect(registry.execute('fail', { key: 'a', times: 1 }, ws.ctx)).rejects.toThrow('Deliberate failure 1 of 1 for key "a"');
      await expect(registry.execute('fail', { key: 'b', times: 1 }, ws.ctx)).rejects.toThrow('Deliberate failure 1 of 1 for key "b"');
      await expect(registry.execute('fail', { key: 'a', times: 1 }, other.ctx)).rejects.toThrow('Deliberate failure 1 of 1 for key "a"');
      await expect(registry.execute('fail', { key: 'a', times: 1 }, ws.ctx)).resolves.toBe('Succeeded after 1 failure');
    } finally {
      await other.cleanup();
    }
  });

  it('succeeds immediately with times 0', async () => {
    await expect(registry.execute('fail', { key: 'z', times: 0 }, ws.ctx)).resolves.toBe('Succeeded after 0 failures');
  });

  it('uses a per-key resource key and restricts keys to a safe alphabet', () => {
    expect(registry.validate('fail', { key: 'x', times: 3 })).toMatchObject({ ok: true, resourceKey: 'test:fail:x', summary: 'fail x times=3' });
    for (const key of ['../evil', 'a b', '', 'x'.repeat(65), 'a/b']) {
      expect(registry.validate('fail', { key, times: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid input for fail: key: /) });
    }
  });
});
