import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveInWorkspace } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, listTree, type TempWorkspace } from '../support/temp-workspace';

describe('resolveInWorkspace', () => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
    await mkdir(ws.workspaceDir, { recursive: true });
    await mkdir(ws.outsideDir, { recursive: true });
    await writeFile(path.join(ws.outsideDir, 'secret.txt'), 'secret');
  });
  afterEach(() => ws.cleanup());

  it('maps a relative path into the workspace and normalizes it', async () => {
    await expect(resolveInWorkspace(ws.workspaceDir, './src//App.tsx')).resolves.toEqual({
      relativePath: 'src/App.tsx',
      absolutePath: path.join(ws.workspaceDir, 'src', 'App.tsx'),
    });
  });

  it('works before the workspace exists, without creating it', async () => {
    const missing = path.join(ws.sandboxRoot, 'not-yet');
    const resolved = await resolveInWorkspace(missing, 'a/b.txt', { forWriting: true });
    expect(resolved.absolutePath).toBe(path.join(missing, 'a', 'b.txt'));
    expect(await listTree(missing)).toEqual([]);
  });

  it.each([
    ['../outside/secret.txt', /escapes the workspace/],
    ['src/../../outside/x', /escapes the workspace/],
    ['/etc/passwd', /Absolute paths are not allowed/],
    ['a\0.txt', /NUL byte/],
    ['', /must not be empty/],
  ])('refuses %j without retrying', async (raw, message) => {
    await expectToolError(resolveInWorkspace(ws.workspaceDir, raw), { retryable: false, message });
  });

  it('refuses paths through a directory symlink that points outside', async () => {
    await symlink(ws.outsideDir, path.join(ws.workspaceDir, 'link'));
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'link/secret.txt'), { retryable: false, message: /symlink pointing outside/ });
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'link/new/file.txt', { forWriting: true }), {
      retryable: false,
      message: /symlink pointing outside/,
    });
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'link', { allowRoot: true }), {
      retryable: false,
      message: /symlink pointing outside/,
    });
  });

  it('refuses a file symlink that points outside', async () => {
    await symlink(path.join(ws.outsideDir, 'secret.txt'), path.join(ws.workspaceDir, 'secret.txt'));
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'secret.txt'), { retryable: false, message: /symlink pointing outside/ });
  });

  it('refuses a dangling symlink, whose target could be created outside', async () => {
    await symlink(path.join(ws.outsideDir, 'nope'), path.join(ws.workspaceDir, 'dangling'));
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'dangling/file.txt', { forWriting: true }), {
      retryable: false,
      message: /does not exist/,
    });
    expect(await listTree(ws.outsideDir)).toEqual(['secret.txt']);
  });

  it('refuses symlink loops', async () => {
    await symlink(path.join(ws.workspaceDir, 'loop-b'), path.join(ws.workspaceDir, 'loop-a'));
    await symlink(path.join(ws.workspaceDir, 'loop-a'), path.join(ws.workspaceDir, 'loop-b'));
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'loop-a/x'), { retryable: false, message: /symlink/ });
  });

  it('follows symlinks that stay inside the workspace', async () => {
    await mkdir(path.join(ws.workspaceDir, 'real'));
    await symlink(path.join(ws.workspaceDir, 'real'), path.join(ws.workspaceDir, 'alias'));
    const resolved = await resolveInWorkspace(ws.workspaceDir, 'alias/file.txt', { forWriting: true });
    expect(resolved.relativePath).toBe('alias/file.txt');
  });

  it('accepts a workspace directory that is itself reached through a symlink', async () => {
    const linkedWorkspace = path.join(ws.sandboxRoot, 'linked-workspace');
    await symlink(ws.workspaceDir, linkedWorkspace);
    await mkdir(path.join(ws.workspaceDir, 'src'));
    await expect(resolveInWorkspace(linkedWorkspace, 'src/a.txt')).resolves.toMatchObject({ relativePath: 'src/a.txt' });
  });

  it('for writing, refuses a target that is a symlink even when it points inside', async () => {
    await writeFile(path.join(ws.workspaceDir, 'real.txt'), 'x');
    await symlink(path.join(ws.workspaceDir, 'real.txt'), path.join(ws.workspaceDir, 'alias.txt'));
    await expect(resolveInWorkspace(ws.workspaceDir, 'alias.txt')).resolves.toMatchObject({ relativePath: 'alias.txt' });
    await expectToolError(resolveInWorkspace(ws.workspaceDir, 'alias.txt', { forWriting: true }), {
      retryable: false,
      message: /Refusing to write through a symlink/,
    });
  });
});
