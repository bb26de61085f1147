import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('edit_file', () => {
  const registry = createToolRegistry({ testTools: false });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace({ maxFileBytes: 100 });
    await mkdir(ws.workspaceDir, { recursive: true });
  });
  afterEach(() => ws.cleanup());

  async function seed(content: string): Promise<void> {
    await writeFile(path.join(ws.workspaceDir, 'App.tsx'), content);
  }

  it('replaces the single occurrence of old_text', async () => {
    await seed('const title = "Calc";\nexport { title };\n');
    const result = await registry.execute('edit_file', { path: './App.tsx', old_text: '"Calc"', new_text: '"CalcPro"' }, ws.ctx);
    expect(result).toMatch(/^Edited App\.tsx/);
    expect(await ws.readWorkspaceFile('App.tsx')).toBe('const title = "CalcPro";\nexport { title };\n');
  });

  it('inserts new_text literally, without String.replace patterns', async () => {
    await seed('price: X');
    await registry.execute('edit_file', { path: 'App.tsx', old_text: 'X', new_text: "$& $1 $$ $'" }, ws.ctx);
    expect(await ws.readWorkspaceFile('App.tsx')).toBe("price: $& $1 $$ $'");
  });

  it('fails without retry and leaves the file alone when old_text is absent', async () => {
    await seed('hello world');
    await expectToolError(registry.execute('edit_file', { path: 'App.tsx', old_text: 'goodbye', new_text: 'x' }, ws.ctx), {
      retryable: false,
      message: /old_text not found in App\.tsx/,
    });
    expect(await ws.readWorkspaceFile('App.tsx')).toBe('hello world');
  });

  it('fails without retry and asks for more context when old_text occurs twice', async () => {
    await seed('a = 1;\nb = 1;\n');
    await expectToolError(registry.execute('edit_file', { path: 'App.tsx', old_text: '= 1;', new_text: '= 2;' }, ws.ctx), {
      retryable: false,
      message: /occurs 2 times in App\.tsx; include more surrounding context/,
    });
    expect(await ws.readWorkspaceFile('App.tsx')).toBe('a = 1;\nb = 1;\n');
  });

  it('counts overlapping occurrences as ambiguous', async () => {
    await seed('aaa');
    await expectToolError(registry.execute('edit_file', { path: 'App.tsx', old_text: 'aa', new_text: 'b' }, ws.ctx), {
      retryable: false,
      message: /occurs 2 times/,
    });
  });

  it('reports a missing file', async () => {
    await expectToolError(registry.execute('edit_file', { path: 'nope.ts', old_text: 'a', new_text: 'b' }, ws.ctx), {
      retryable: false,
      message: /File not found: nope\.ts/,
    });
  });

  it('refuses an edit that would make the file larger than maxFileBytes', async () => {
    await seed('small');
    await expectToolError(registry.execute('edit_file', { path: 'App.tsx', old_text: 'small', new_text: 'x'.repeat(101) }, ws.ctx), {
      retryable: false,
      message: /too large/,
    });
    expect(await ws.readWorkspaceFile('App.tsx')).toBe('small');
  });

  it('rejects an empty old_text as invalid input', () => {
    expect(registry.validate('edit_file', { path: 'App.tsx', old_text: '', new_text: 'x' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^Invalid input for edit_file: old_text: /),
    });
  });

  describe('run again under the same idempotency key (a re-run after a crash)', () => {
    const edit = { path: 'App.tsx', old_text: 'alpha', new_text: 'alpha beta' };

    it("returns the first run's result and leaves the file as after one run", async () => {
      await seed('alpha\n');
      const first = await registry.execute('edit_file', edit, ws.ctxFor('toolu_edit', 1));
      const again = await registry.execute('edit_file', edit, ws.ctxFor('toolu_edit', 2));
      expect(again).toBe(first);
      expect(first).toMatch(/^Edited App\.tsx/);
      expect(await ws.readWorkspaceFile('App.tsx')).toBe('alpha beta\n');
    });

    it('applies the edit when the first run recorded it but its write never landed', async () => {
      await seed('alpha\n');
      const first = await registry.execute('edit_file', edit, ws.ctxFor('toolu_edit', 1));
      await seed('alpha\n'); // as if the worker died between the journal entry and the rename
      expect(await registry.execute('edit_file', edit, ws.ctxFor('toolu_edit', 2))).toBe(first);
      expect(await ws.readWorkspaceFile('App.tsx')).toBe('alpha beta\n');
    });

    it('is a new edit under another key: another call asking the same applies again', async () => {
      await seed('alpha\n');
      await registry.execute('edit_file', edit, ws.ctxFor('toolu_edit', 1));
      await registry.execute('edit_file', edit, ws.ctxFor('toolu_other', 1));
      expect(await ws.readWorkspaceFile('App.tsx')).toBe('alpha beta beta\n');
    });

    it('fails again, changing nothing, when the first run failed', async () => {
      await seed('hello');
      const missing = { path: 'App.tsx', old_text: 'goodbye', new_text: 'x' };
      await expectToolError(registry.execute('edit_file', missing, ws.ctxFor('toolu_edit', 1)), { retryable: false, message: /old_text not found/ });
      await expectToolError(registry.execute('edit_file', missing, ws.ctxFor('toolu_edit', 2)), { retryable: false, message: /old_text not found/ });
      expect(await ws.readWorkspaceFile('App.tsx')).toBe('hello');
    });
  });
});
