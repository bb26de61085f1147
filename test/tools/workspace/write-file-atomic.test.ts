import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../src/tools/workspace/write-file-atomic';
import { createTempWorkspace, listTree, type TempWorkspace } from '../support/temp-workspace';

describe('writeFileAtomic', () => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('creates missing parent directories (and the workspace itself)', async () => {
    const target = path.join(ws.workspaceDir, 'a', 'b', 'c.txt');
    await writeFileAtomic(target, 'hello');
    expect(await readFile(target, 'utf8')).toBe('hello');
  });

  it('replaces existing content and leaves no temp files behind', async () => {
    const target = path.join(ws.workspaceDir, 'file.txt');
    await writeFileAtomic(target, 'old content that is longer');
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await listTree(ws.workspaceDir)).toEqual(['file.txt']);
  });

  it('leaves the old file intact and cleans up when the rename fails', async () => {
    await writeFileAtomic(path.join(ws.workspaceDir, 'dir', 'inner.txt'), 'inner');
    await writeFile(path.join(ws.workspaceDir, 'keep.txt'), 'kept');
    // Renaming a file over a non-empty directory fails after the temp file was written.
    await expect(writeFileAtomic(path.join(ws.workspaceDir, 'dir'), 'x')).rejects.toThrow();
    expect(await listTree(ws.workspaceDir)).toEqual(['dir', 'dir/inner.txt', 'keep.txt']);
    expect(await readFile(path.join(ws.workspaceDir, 'dir', 'inner.txt'), 'utf8')).toBe('inner');
  });
});
