import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('read_file', () => {
  const registry = createToolRegistry({ testTools: false });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace({ maxFileBytes: 16 });
    await mkdir(path.join(ws.workspaceDir, 'src'), { recursive: true });
    await mkdir(ws.outsideDir, { recursive: true });
    await writeFile(path.join(ws.outsideDir, 'secret.txt'), 'top secret');
  });
  afterEach(() => ws.cleanup());

  it('returns the file content', async () => {
    await writeFile(path.join(ws.workspaceDir, 'src', 'App.tsx'), 'export {};\n');
    await expect(registry.execute('read_file', { path: './src/App.tsx' }, ws.ctx)).resolves.toBe('export {};\n');
  });

  it('reports a missing file as a non-retryable error', async () => {
    await expectToolError(registry.execute('read_file', { path: 'src/missing.ts' }, ws.ctx), {
      retryable: false,
      message: /^File not found: src\/missing\.ts$/,
    });
  });

  it('reports a missing file before the workspace even exists', async () => {
    const fresh = await createTempWorkspace();
    try {
      await expectToolError(registry.execute('read_file', { path: 'a.txt' }, fresh.ctx), { retryable: false, message: /File not found: a\.txt/ });
    } finally {
      await fresh.cleanup();
    }
  });

  it('refuses files larger than maxFileBytes', async () => {
    await writeFile(path.join(ws.workspaceDir, 'big.txt'), 'x'.repeat(17));
    await expectToolError(registry.execute('read_file', { path: 'big.txt' }, ws.ctx), { retryable: false, message: /File too large: big\.txt is 17 bytes/ });
  });

  it('refuses directories', async () => {
    await expectToolError(registry.execute('read_file', { path: 'src' }, ws.ctx), { retryable: false, message: /is a directory/ });
  });

  it('refuses to escape with .. or absolute paths', async () => {
    await expectToolError(registry.execute('read_file', { path: '../outside/secret.txt' }, ws.ctx), { retryable: false, message: /escapes/ });
    await expectToolError(registry.execute('read_file', { path: path.join(ws.outsideDir, 'secret.txt') }, ws.ctx), {
      retryable: false,
      message: /Absolute paths/,
    });
  });

  it('refuses to read through a symlink pointing outside', async () => {
    await symlink(ws.outsideDir, path.join(ws.workspaceDir, 'out'));
    await symlink(path.join(ws.outsideDir, 'secret.txt'), path.join(ws.workspaceDir, 'secret-link.txt'));
    await expectToolError(registry.execute('read_file', { path: 'out/secret.txt' }, ws.ctx), { retryable: false, message: /symlink pointing outside/ });
    await expectToolError(registry.execute('read_file', { path: 'secret-link.txt' }, ws.ctx), { retryable: false, message: /symlink pointing outside/ });
  });

  it('reads through a symlink that stays inside the workspace', async () => {
    await writeFile(path.join(ws.workspaceDir, 'src', 'real.txt'), 'inside');
    await symlink(path.join(ws.workspaceDir, 'src'), path.join(ws.workspaceDir, 'alias'));
    await expect(registry.execute('read_file', { path: 'alias/real.txt' }, ws.ctx)).resolves.toBe('inside');
  });
});
