import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { freePort } from './ports';

const projectRoot = path.resolve(__dirname, '..', '..');

export interface ApiProcess {
  url: string;
  process: ManagedProcess;
}

/** `src/api-main.ts` as its own process (an API instance of a deployment), on a free port. Resolves once it listens. */
export async function startApiProcess(env: Record<string, string>, name = 'api'): Promise<ApiProcess> {
  const port = await freePort();
  const api = spawnManaged(name, process.execPath, ['--import', 'tsx', path.join('src', 'api-main.ts')], {
    cwd: projectRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
  });
  try {
    await api.waitForOutput(/toolstream API on/, 60_000);
  } catch (err) {
    await api.kill('SIGKILL');
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, process: api };
}
