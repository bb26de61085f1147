import { createToolRegistry } from '../../../src/tools';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('count', () => {
  const registry = createToolRegistry({ testTools: true });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('returns 1, 2, 3... on three tool calls', async () => {
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await registry.execute('count', { key: 'c' }, ws.ctx));
    expect(results).toEqual(['1', '2', '3']);
    expect(await ws.readWorkspaceFile('.count-c')).toBe('3');
  });

  it('keeps separate counters per key and survives a new registry', async () => {
    await registry.execute('count', { key: 'a' }, ws.ctx);
    await registry.execute('count', { key: 'a' }, ws.ctx);
    await expect(registry.execute('count', { key: 'b' }, ws.ctx)).resolves.toBe('1');
    await expect(createToolRegistry({ testTools: true }).execute('count', { key: 'a' }, ws.ctx)).resolves.toBe('3');
  });

  it('counts a tool call once when Temporal runs it again (a worker killed after the write): the retry answers the first result', async () => {
    await registry.execute('count', { key: 'r' }, ws.ctx);
    const first = await registry.execute('count', { key: 'r' }, ws.ctxFor('toolu_again', 1));
    await expect(registry.execute('count', { key: 'r' }, ws.ctxFor('toolu_again', 2))).resolves.toBe(first);
    expect(first).toBe('2');
    expect(await ws.readWorkspaceFile('.count-r')).toBe('2');
  });

  it('uses a per-key resource key', () => {
    expect(registry.validate('count', { key: 'c' })).toEqual({ ok: true, name: 'count', input: { key: 'c' }, resourceKey: 'test:count:c', summary: 'count c' });
    expect(registry.validate('count', { key: '.x' }).ok).toBe(false);
  });
});
