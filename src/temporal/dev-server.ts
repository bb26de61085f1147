import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerDynamicConfig, devServerSearchAttributes, findTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * The embedded Temporal: `temporal server start-dev` with its SQLite file under the data dir, so
 * generations survive a restart of `npm start`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  if (await isListening(options.port)) {
    throw new Error(`Port ${options.port} is already in use: stop what runs there, or set TEMPORAL_ADDRESS to use that Temporal server.`);
  }
  const child = spawn(
    findTemporalCli(),
    [
      'server', 'start-dev',
      '--db-filename', path.join(options.dataDir, 'temporal.sqlite'),
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--namespace', options.namespace,
      '--log-level', 'warn',
      ...devServerDynamicConfig,
      ...devServerSearchAttributes,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  try {
    await waitUntilServing(options.port, Date.now() + 60_000, () => child.exitCode !== null);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    stop: () => stopChild(child),
  };
}

/**
 * Waits until a dev server started on 127.0.0.1:`port` serves. The port opens before the frontend
 * does: on a busy machine the first calls answer UNAVAILABLE ("Frontend is not healthy yet"), and a
 * worker connecting then fails its whole start. Throws when `exited()` or at `deadline`.
 */
export async function waitUntilServing(port: number, deadline: number, exited: () => boolean): Promise<void> {
  let lastError: unknown = 'nothing listening';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('temporal server start-dev exited before it served');
    if (await isListening(port)) {
      try {
        const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 5_000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return;
        } finally {
          await connection.close();
        }
      } catch (err) {
        lastError = err;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`temporal server start-dev did not serve on port ${port} in time: ${String(lastError)}`);
}

/** Whether something accepts connections on 127.0.0.1:`port` right now. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
