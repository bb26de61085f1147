import { createToolRegistry, ToolInputError } from '../../src/tools';
import { createTempWorkspace, listTree, type TempWorkspace } from './support/temp-workspace';

describe('tool registry', () => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('runs a tool and returns its result text', async () => {
    const registry = createToolRegistry({ testTools: false });
    await expect(registry.execute('write_file', { path: 'a.txt', content: 'abc' }, ws.ctx)).resolves.toBe('Wrote 3 bytes to a.txt');
    await expect(registry.execute('read_file', { path: 'a.txt' }, ws.ctx)).resolves.toBe('abc');
  });

  it('throws ToolInputError for an unknown tool, including test tools when they are off', async () => {
    const registry = createToolRegistry({ testTools: false });
    await expect(registry.execute('count', { key: 'k' }, ws.ctx)).rejects.toThrow(ToolInputError);
    await expect(registry.execute('count', { key: 'k' }, ws.ctx)).rejects.toThrow(/^Unknown tool "count". Available tools: read_file, /);
    expect(await listTree(ws.sandboxRoot)).toEqual([]);
  });

  it('validates again before running and throws ToolInputError without side effects', async () => {
    const registry = createToolRegistry({ testTools: true });
    await expect(registry.execute('write_file', { path: 'a.txt' }, ws.ctx)).rejects.toThrow(
      new ToolInputError('Invalid input for write_file: content: expected string, received undefined'),
    );
    await expect(registry.execute('count', { key: '../x' }, ws.ctx)).rejects.toBeInstanceOf(ToolInputError);
    expect(await listTree(ws.sandboxRoot)).toEqual([]);
  });
});
