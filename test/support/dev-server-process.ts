import path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from '../../src/temporal/temporal-cli';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { waitUntilServing } from '../../src/temporal/dev-server';
import { freePort } from './ports';

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
  try {
    await waitUntilServing(options.port, Date.now() + 60_000, () => server.exited);
  } catch (err) {
    await server.kill('SIGKILL');
    throw new Error(`${String(err)}\n${server.output()}`);
  }
  return server;
}

/**
 * A dev server on a free port with its SQLite file in `dataDir`, and a client connection to it: a test
 * kills the process and starts it again on the same port and file, and the connection carries on.
 */
export class DevServerOnDisk {
  private constructor(
    readonly port: number,
    readonly connection: Connection,
    private readonly dbFile: string,
    private process: ManagedProcess | undefined,
  ) {}

  static async start(dataDir: string): Promise<DevServerOnDisk> {
    const port = await freePort();
    const dbFile = path.join(dataDir, 'temporal.sqlite');
    const process = await startDevServerProcess({ dbFile, port });
    try {
      return new DevServerOnDisk(port, await Connection.connect({ address: `127.0.0.1:${port}` }), dbFile, process);
    } catch (err) {
      await process.kill('SIGTERM');
      throw err;
    }
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    await this.process?.kill(signal);
    this.process = undefined;
  }

  /** Starts the server again on its port and file, after kill. */
  async restart(): Promise<void> {
    this.process = await startDevServerProcess({ dbFile: this.dbFile, port: this.port });
  }

  async close(): Promise<void> {
    await this.connection.close();
    await this.kill('SIGTERM');
  }
}
