import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, listTree, listWorkspaceFiles, type TempWorkspace } from '../support/temp-workspace';

describe('write_file', () => {
  const registry = createToolRegistry({ testTools: false });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace({ maxFileBytes: 64 });
  });
  afterEach(() => ws.cleanup());

  it('creates the workspace and parent directories lazily and reports bytes written', async () => {
    const result = await registry.execute('write_file', { path: './src//App.tsx', content: 'héllo' }, ws.ctx);
    expect(result).toBe('Wrote 6 bytes to src/App.tsx');
    expect(await ws.readWorkspaceFile('src/App.tsx')).toBe('héllo');
  });

  it('overwrites existing files without leaving temp files', async () => {
    await registry.execute('write_file', { path: 'a.txt', content: 'first version' }, ws.ctx);
    await registry.execute('write_file', { path: 'a.txt', content: 'second' }, ws.ctx);
    expect(await ws.readWorkspaceFile('a.txt')).toBe('second');
    expect(await listWorkspaceFiles(ws.workspaceDir)).toEqual(['a.txt']);
  });

  it('writes empty files', async () => {
    await expect(registry.execute('write_file', { path: 'empty.txt', content: '' }, ws.ctx)).resolves.toBe('Wrote 0 bytes to empty.txt');
    expect(await ws.readWorkspaceFile('empty.txt')).toBe('');
  });

  it('accepts content of exactly maxFileBytes and refuses one byte more (counted in UTF-8)', async () => {
    await registry.execute('write_file', { path: 'max.txt', content: 'x'.repeat(64) }, ws.ctx);
    await expectToolError(registry.execute('write_file', { path: 'big.txt', content: 'é'.repeat(33) }, ws.ctx), {
      retryable: false,
      message: /too large: 66 bytes exceeds the limit of 64 bytes/,
    });
    expect(await listWorkspaceFiles(ws.workspaceDir)).toEqual(['max.txt']);
  });

  it.each([
    ['../escape.txt', /escapes the workspace/],
    ['/tmp/abs.txt', /Absolute paths/],
    ['a\0b.txt', /NUL byte/],
    ['', /must not be empty/],
  ])('refuses %j and writes nothing', async (badPath, message) => {
    await expectToolError(registry.execute('write_file', { path: badPath, content: 'x' }, ws.ctx), { retryable: false, message });
    expect(await listTree(ws.sandboxRoot)).toEqual([]);
  });

  it('refuses to write through a symlinked directory pointing outside, and writes nothing there', async () => {
    await mkdir(ws.outsideDir, { recursive: true });
    await mkdir(ws.workspaceDir, { recursive: true });
    await symlink(ws.outsideDir, path.join(ws.workspaceDir, 'out'));
    await expectToolError(registry.execute('write_file', { path: 'out/pwned.txt', content: 'x' }, ws.ctx), {
      retryable: false,
      message: /symlink pointing outside/,
    });
    await expectToolError(registry.execute('write_file', { path: 'out/deep/pwned.txt', content: 'x' }, ws.ctx), {
      retryable: false,
      message: /symlink pointing outside/,
    });
    expect(await listTree(ws.outsideDir)).toEqual([]);
  });

  it('refuses to overwrite a file symlink, leaving its target untouched', async () => {
    await mkdir(ws.outsideDir, { recursive: true });
    await mkdir(ws.workspaceDir, { recursive: true });
    const outsideFile = path.join(ws.outsideDir, 'target.txt');
    await writeFile(outsideFile, 'original');
    await symlink(outsideFile, path.join(ws.workspaceDir, 'link.txt'));
    await expectToolError(registry.execute('write_file', { path: 'link.txt', content: 'x' }, ws.ctx), { retryable: false, message: /symlink/ });
    expect(await readFile(outsideFile, 'utf8')).toBe('original');
  });

  it('refuses to replace a directory with a file', async () => {
    await mkdir(path.join(ws.workspaceDir, 'src'), { recursive: true });
    await expectToolError(registry.execute('write_file', { path: 'src', content: 'x' }, ws.ctx), { retryable: false, message: /is a directory/ });
  });

  it('explains when a parent path component is a file', async () => {
    await registry.execute('write_file', { path: 'file.txt', content: 'x' }, ws.ctx);
    await expectToolError(registry.execute('write_file', { path: 'file.txt/child.txt', content: 'y' }, ws.ctx), {
      retryable: false,
      message: /not a directory/,
    });
    expect(await ws.readWorkspaceFile('file.txt')).toBe('x');
  });

  it("run again under the same idempotency key: returns the first run's result and does not write the file again", async () => {
    const input = { path: 'a.txt', content: 'once' };
    const first = await registry.execute('write_file', input, ws.ctxFor('toolu_write', 1));
    const written = await stat(path.join(ws.workspaceDir, 'a.txt'));
    const again = await registry.execute('write_file', input, ws.ctxFor('toolu_write', 2));
    expect(again).toBe(first);
    // Every write is a new file renamed into place: the same inode means no second write.
    expect((await stat(path.join(ws.workspaceDir, 'a.txt'))).ino).toBe(written.ino);
    expect(await ws.readWorkspaceFile('a.txt')).toBe('once');
  });
});
