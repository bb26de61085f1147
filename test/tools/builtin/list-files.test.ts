import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('list_files', () => {
  const registry = createToolRegistry({ testTools: true });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  async function seed(files: string[]): Promise<void> {
    for (const file of files) {
      await mkdir(path.dirname(path.join(ws.workspaceDir, file)), { recursive: true });
      await writeFile(path.join(ws.workspaceDir, file), file);
    }
  }

  it('lists recursively, sorted, with directories ending in / and dotfiles skipped', async () => {
    await seed(['src/App.tsx', 'src/components/Button.tsx', 'src.ts', 'src-old/a.ts', 'README.md', '.count-x', '.hidden/inner.txt', 'src/.env']);
    await expect(registry.execute('list_files', {}, ws.ctx)).resolves.toBe(
      ['README.md', 'src-old/', 'src-old/a.ts', 'src.ts', 'src/', 'src/App.tsx', 'src/components/', 'src/components/Button.tsx'].join('\n'),
    );
  });

  it('lists a subdirectory with paths relative to the workspace root', async () => {
    await seed(['src/App.tsx', 'src/lib/util.ts', 'other.txt']);
    await expect(registry.execute('list_files', { path: './src/' }, ws.ctx)).resolves.toBe(['src/App.tsx', 'src/lib/', 'src/lib/util.ts'].join('\n'));
  });

  it('hides the counter files of the test tools', async () => {
    await registry.execute('count', { key: 'k' }, ws.ctx);
    await registry.execute('write_file', { path: 'a.txt', content: 'a' }, ws.ctx);
    await expect(registry.execute('list_files', {}, ws.ctx)).resolves.toBe('a.txt');
  });

  it('reports an empty or not yet created workspace', async () => {
    await expect(registry.execute('list_files', {}, ws.ctx)).resolves.toBe('The workspace is empty.');
    await mkdir(path.join(ws.workspaceDir, 'empty'), { recursive: true });
    await expect(registry.execute('list_files', { path: 'empty' }, ws.ctx)).resolves.toBe('empty/ is empty.');
  });

  it('reports a missing directory and a file given as directory', async () => {
    await seed(['a.txt']);
    await expectToolError(registry.execute('list_files', { path: 'nope' }, ws.ctx), { retryable: false, message: /Directory not found: nope/ });
    await expectToolError(registry.execute('list_files', { path: 'a.txt' }, ws.ctx), { retryable: false, message: /Not a directory: a\.txt/ });
  });

  it('caps the listing at 500 entries with a note', async () => {
    await mkdir(path.join(ws.workspaceDir, 'many'), { recursive: true });
    await Promise.all(Array.from({ length: 520 }, (_, i) => writeFile(path.join(ws.workspaceDir, 'many', `f${String(i).padStart(3, '0')}.txt`), '')));
    const lines = (await registry.execute('list_files', {}, ws.ctx)).split('\n');
    expect(lines).toHaveLength(501);
    expect(lines[0]).toBe('many/');
    expect(lines[499]).toBe('many/f498.txt');
    expect(lines[500]).toMatch(/truncated at 500 entries/);
  });

  it('does not follow symlinks, and refuses to list through one pointing outside', async () => {
    await seed(['src/a.txt']);
    await mkdir(ws.outsideDir, { recursive: true });
    await writeFile(path.join(ws.outsideDir, 'secret.txt'), 'secret');
    await symlink(ws.outsideDir, path.join(ws.workspaceDir, 'out'));
    await expect(registry.execute('list_files', {}, ws.ctx)).resolves.toBe(['out', 'src/', 'src/a.txt'].join('\n'));
    await expectToolError(registry.execute('list_files', { path: 'out' }, ws.ctx), { retryable: false, message: /symlink pointing outside/ });
  });

  it('refuses paths outside the workspace', async () => {
    await expectToolError(registry.execute('list_files', { path: '..' }, ws.ctx), { retryable: false, message: /escapes/ });
    await expectToolError(registry.execute('list_files', { path: '/' }, ws.ctx), { retryable: false, message: /Absolute/ });
  });
});
