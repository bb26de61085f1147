import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveInWorkspace } from '../../../src/tools';
import { EFFECT_JOURNAL_DIR, writeFileOnce } from '../../../src/tools/workspace/effect-journal';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('writeFileOnce', () => {
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  async function run(toolUseId: string, content: string, result: string): Promise<{ answer: string; planned: boolean }> {
    const target = await resolveInWorkspace(ws.workspaceDir, 'f.txt', { forWriting: true });
    let planned = false;
    const answer = await writeFileOnce(ws.ctxFor(toolUseId), target, async () => {
      planned = true;
      return { content, result };
    });
    return { answer, planned };
  }

  it('keeps one small journal entry per call, named by a hash of its key, with the result', async () => {
    await run('toolu_a', 'A', 'wrote A');
    const entries = await readdir(path.join(ws.workspaceDir, EFFECT_JOURNAL_DIR));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    const entry = JSON.parse(await readFile(path.join(ws.workspaceDir, EFFECT_JOURNAL_DIR, entries[0]), 'utf8'));
    expect(entry).toEqual({ key: 'gen-test/toolu_a', path: 'f.txt', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), result: 'wrote A' });
  });

  it("a re-run with the effect in place does not plan again and answers the first run's result", async () => {
    await run('toolu_a', 'A', 'wrote A');
    expect(await run('toolu_a', 'A2', 'wrote A2')).toEqual({ answer: 'wrote A', planned: false });
    expect(await ws.readWorkspaceFile('f.txt')).toBe('A');
  });

  it('a re-run whose effect is not in place (the write never landed) applies it afresh', async () => {
    await run('toolu_a', 'A', 'wrote A');
    await writeFile(path.join(ws.workspaceDir, 'f.txt'), 'before');
    expect(await run('toolu_a', 'A', 'wrote A')).toEqual({ answer: 'wrote A', planned: true });
    expect(await ws.readWorkspaceFile('f.txt')).toBe('A');
  });

  it('an unreadable journal entry counts as none', async () => {
    await run('toolu_a', 'A', 'wrote A');
    const dir = path.join(ws.workspaceDir, EFFECT_JOURNAL_DIR);
    const [entry] = await readdir(dir);
    await writeFile(path.join(dir, entry), '{ half an ent');
    expect(await run('toolu_a', 'A', 'wrote A again')).toEqual({ answer: 'wrote A again', planned: true });
  });
});
