import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, listTree, type TempWorkspace } from '../support/temp-workspace';

/**
 * Every tool that takes a path, against every way out of the workspace: each is refused without a
 * retry, and nothing outside the workspace is created, changed or read back.
 */
const registry = createToolRegistry({ testTools: false });
const outsideContent = 'outside content, must not change';

type PathTool = 'write_file' | 'read_file' | 'edit_file' | 'list_files';
const inputFor: Record<PathTool, (target: string) => Record<string, string>> = {
  write_file: (target) => ({ path: target, content: 'pwned' }),
  read_file: (target) => ({ path: target }),
  edit_file: (target) => ({ path: target, old_text: 'outside', new_text: 'pwned' }),
  list_files: (target) => ({ path: target }),
};

/** Ways out: a file path for the file tools, a directory path for list_files. `{outside}` is the directory next to the workspace. */
const escapes: [string, { file: string; dir: string }, RegExp][] = [
  ['a parent reference', { file: '../outside/secret.txt', dir: '../outside' }, /escapes the workspace/],
  ['a parent reference after a subdirectory', { file: 'src/../../outside/secret.txt', dir: 'src/../../outside' }, /escapes the workspace/],
  ['a bare ..', { file: '..', dir: '..' }, /escapes the workspace/],
  ['an absolute path', { file: '{outside}/secret.txt', dir: '{outside}' }, /Absolute paths are not allowed/],
  ['a NUL byte', { file: 'secret.txt\0.png', dir: 'src\0' }, /NUL byte/],
  ['a symlinked directory pointing outside', { file: 'out-dir/secret.txt', dir: 'out-dir' }, /symlink pointing outside/],
  ['a symlinked file pointing outside', { file: 'secret-link.txt', dir: 'secret-link.txt' }, /symlink/],
  ['a dangling symlink pointing outside', { file: 'dangling/new.txt', dir: 'dangling' }, /symlink whose target does not exist/],
];

describe.each(Object.keys(inputFor) as PathTool[])('%s', (tool) => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
    await mkdir(path.join(ws.workspaceDir, 'src'), { recursive: true });
    await mkdir(ws.outsideDir, { recursive: true });
    await writeFile(path.join(ws.outsideDir, 'secret.txt'), outsideContent);
    await symlink(ws.outsideDir, path.join(ws.workspaceDir, 'out-dir'));
    await symlink(path.join(ws.outsideDir, 'secret.txt'), path.join(ws.workspaceDir, 'secret-link.txt'));
    await symlink(path.join(ws.outsideDir, 'not-there'), path.join(ws.workspaceDir, 'dangling'));
  });
  afterEach(() => ws.cleanup());

  test.each(escapes)('refuses %s and leaves the outside untouched', async (_name, paths, message) => {
    const target = (tool === 'list_files' ? paths.dir : paths.file).replace('{outside}', ws.outsideDir);
    const error = await expectToolError(registry.execute(tool, inputFor[tool](target), ws.ctx), { retryable: false, message });
    expect(error.message).not.toContain(outsideContent);
    expect(await readFile(path.join(ws.outsideDir, 'secret.txt'), 'utf8')).toBe(outsideContent);
    // Nothing new anywhere around the workspace (the listing also looks into out-dir, through the link).
    expect(await listTree(ws.sandboxRoot)).toEqual(
      [
        'outside',
        'outside/secret.txt',
        'workspace',
        'workspace/dangling',
        'workspace/out-dir',
        'workspace/out-dir/secret.txt',
        'workspace/secret-link.txt',
        'workspace/src',
      ].sort(),
    );
  });
});

describe('content over TOOLSTREAM_MAX_FILE_BYTES', () => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace({ maxFileBytes: 32 });
    await mkdir(ws.workspaceDir, { recursive: true });
  });
  afterEach(() => ws.cleanup());

  test('write_file refuses it and writes nothing, not even a temp file', async () => {
    await expectToolError(registry.execute('write_file', { path: 'big.txt', content: 'x'.repeat(33) }, ws.ctx), { retryable: false, message: /too large/ });
    expect(await listTree(ws.sandboxRoot)).toEqual(['workspace']);
  });

  test('edit_file refuses an edit that would grow the file past it, leaving the file as it was', async () => {
    await writeFile(path.join(ws.workspaceDir, 'a.txt'), 'short');
    await expectToolError(registry.execute('edit_file', { path: 'a.txt', old_text: 'short', new_text: 'y'.repeat(40) }, ws.ctx), {
      retryable: false,
      message: /too large/,
    });
    expect(await ws.readWorkspaceFile('a.txt')).toBe('short');
    expect(await listTree(ws.workspaceDir)).toEqual(['a.txt']);
  });

  test('read_file and edit_file refuse a file already over it', async () => {
    await writeFile(path.join(ws.workspaceDir, 'huge.txt'), 'z'.repeat(33));
    await expectToolError(registry.execute('read_file', { path: 'huge.txt' }, ws.ctx), { retryable: false, message: /File too large/ });
    await expectToolError(registry.execute('edit_file', { path: 'huge.txt', old_text: 'z', new_text: '' }, ws.ctx), {
      retryable: false,
      message: /File too large/,
    });
  });
});
