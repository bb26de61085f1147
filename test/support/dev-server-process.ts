import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { isListening } from './ports';

/**
 * `temporal server start-dev` with its state in a SQLite file, as a process the test can kill and
 * start again on the same port and file (what `npm start`'s embedded server does across restarts).
 */
export async function startDevServerProcess(options: { dbFile: string; port: number }): Promise<ManagedProcess> {
  const server = spawnManaged('temporal dev server', findTemporalCli(), [
    'server', 'start-dev',
    '--db-filename', options.dbFile,
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--headless',
    '--log-level', 'warn',
    ...devServerDynamicConfig,
    ...devServerSearchAttributes,
  ]);
  const deadline = Date.now() + 60_000;
  while (!(await isListening(options.port))) {
    if (server.exited || Date.now() > deadline) {
      await server.kill('SIGKILL');
      throw new Error(`temporal dev server did not listen on ${options.port}\n${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}
