import { mkdir, symlink, stat, writeFile, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createToolRegistry } from '../../../src/tools';
import { expectToolError } from '../support/expect-tool-error';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('rename_app', () => {
  const registry = createToolRegistry({ testTools: false });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  async function appJson(): Promise<unknown> {
    return JSON.parse(await ws.readWorkspaceFile('app.json'));
  }

  it('creates app.json with the name', async () => {
    await expect(registry.execute('rename_app', { name: 'CalcPro' }, ws.ctx)).resolves.toBe('Renamed app to CalcPro');
    expect(await appJson()).toEqual({ name: 'CalcPro' });
  });

  it('keeps the other keys of an existing app.json', async () => {
    await mkdir(ws.workspaceDir, { recursive: true });
    await writeFile(path.join(ws.workspaceDir, 'app.json'), JSON.stringify({ name: 'Old', icon: 'calc.png', version: 2 }));
    await registry.execute('rename_app', { name: 'CalcPro' }, ws.ctx);
    expect(await appJson()).toEqual({ name: 'CalcPro', icon: 'calc.png', version: 2 });
  });

  it('replaces an app.json that is not a JSON object', async () => {
    await mkdir(ws.workspaceDir, { recursive: true });
    await writeFile(path.join(ws.workspaceDir, 'app.json'), '[1, 2');
    await registry.execute('rename_app', { name: 'CalcPro' }, ws.ctx);
    expect(await appJson()).toEqual({ name: 'CalcPro' });
  });

  it('refuses to write app.json through a symlink', async () => {
    await mkdir(ws.workspaceDir, { recursive: true });
    await mkdir(ws.outsideDir, { recursive: true });
    const outsideFile = path.join(ws.outsideDir, 'app.json');
    await writeFile(outsideFile, '{}');
    await symlink(outsideFile, path.join(ws.workspaceDir, 'app.json'));
    await expectToolError(registry.execute('rename_app', { name: 'X' }, ws.ctx), { retryable: false, message: /symlink/ });
    expect(await readFile(outsideFile, 'utf8')).toBe('{}');
  });

  it.each([
    [{ name: '' }, /name: Too small/],
    [{ name: 'x'.repeat(81) }, /name: Too big/],
    [{ name: '   ' }, /name: must not be blank/],
    [{ name: 'two\nlines' }, /name: must be a single line/],
    [{}, /name: expected string, received undefined/],
  ])('rejects invalid names: %j', (input, message) => {
    const validation = registry.validate('rename_app', input);
    expect(validation.ok).toBe(false);
    expect(!validation.ok && validation.error).toMatch(message);
  });

  it('accepts an 80 character name', () => {
    expect(registry.validate('rename_app', { name: 'x'.repeat(80) }).ok).toBe(true);
  });

  it("run again under the same idempotency key: returns the first run's result and does not write app.json again", async () => {
    const first = await registry.execute('rename_app', { name: 'CalcPro' }, ws.ctxFor('toolu_rename', 1));
    const written = await stat(path.join(ws.workspaceDir, 'app.json'));
    const again = await registry.execute('rename_app', { name: 'CalcPro' }, ws.ctxFor('toolu_rename', 2));
    expect(again).toBe(first);
    expect((await stat(path.join(ws.workspaceDir, 'app.json'))).ino).toBe(written.ino);
    expect(await appJson()).toEqual({ name: 'CalcPro' });
  });
});
