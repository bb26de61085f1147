import { createToolRegistry } from '../../../src/tools';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

describe('sleep', () => {
  const registry = createToolRegistry({ testTools: true });
  let ws: TempWorkspace;

  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('waits the requested time and says so', async () => {
    const started = Date.now();
    await expect(registry.execute('sleep', { ms: 120 }, ws.ctx)).resolves.toBe('Slept 120 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(ws.heartbeats()).toBeGreaterThanOrEqual(1);
  });

  it('heartbeats about every second while sleeping', async () => {
    await registry.execute('sleep', { ms: 2_200 }, ws.ctx);
    // Start, after 1 s, after 2 s, at the end.
    expect(ws.heartbeats()).toBeGreaterThanOrEqual(4);
  });

  it('rejects promptly with an AbortError when the signal aborts', async () => {
    const started = Date.now();
    const sleeping = registry.execute('sleep', { ms: 600_000 }, ws.ctx);
    setTimeout(() => ws.controller.abort(new Error('activity cancelled')), 50);
    const error: unknown = await sleeping.catch((reason: unknown) => reason);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not succeed when already cancelled, even for 0 ms', async () => {
    ws.controller.abort();
    await expect(registry.execute('sleep', { ms: 0 }, ws.ctx)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('shares no resource with other sleeps and summarizes the duration', () => {
    expect(registry.validate('sleep', { ms: 500 })).toEqual({ ok: true, name: 'sleep', input: { ms: 500 }, resourceKey: null, summary: 'sleep 500ms' });
  });

  it.each([{ ms: -1 }, { ms: 600_001 }, { ms: 1.5 }, { ms: '10' }])('rejects %j', (input) => {
    expect(registry.validate('sleep', input)).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid input for sleep: ms: /) });
  });
});
