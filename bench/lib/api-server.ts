import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from '@temporalio/client';
import type { Config } from '../../src/config';
import { createGenerationCommands, createGenerationService } from '../../src/runtime/api-server';
import { createApp } from '../../src/server/create-app';
import { createStorage } from '../../src/storage/storage';

export interface BenchApi {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP API alone, wired as src/runtime/start-toolstream.ts wires it but with no worker: for
 * measures that run the worker in a process of its own.
 */
export async function startApiOnly(config: Config, connection: Connection): Promise<BenchApi> {
  const storage = await createStorage(config);
  const generations = createGenerationService(config, connection, storage);
  const commands = createGenerationCommands(config, connection, storage, generations);
  const handler = createApp({
    generations,
    commands,
    health: async () => ({ ok: true, details: {} }),
  });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const listening = http.createServer(handler);
    listening.once('error', reject);
    listening.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // Hundreds of pollers each keep a connection alive; the defaults would close them between polls.
  server.keepAliveTimeout = 30_000;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
