import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnManaged, type ManagedProcess } from './managed-process';
import { freePort } from './ports';

const motoDir = path.resolve(__dirname, '..', '..', '.tools', 'moto');

/** moto accepts any credentials; fixed ones keep tests from picking up a developer's real AWS keys. */
export const s3TestCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const s3TestRegion = 'us-east-1';

export interface S3TestServer {
  endpoint: string;
  /** Created empty for this server, with a unique name. */
  bucket: string;
  close(): Promise<void>;
}

/**
 * moto's S3-compatible server (installed into .tools/moto by scripts/ensure-s3-server.js) on
 * 127.0.0.1 and a free port, holding everything in memory: each test file starts its own.
 */
export async function startS3Server(): Promise<S3TestServer> {
  if (!fs.existsSync(path.join(motoDir, 'moto'))) {
    throw new Error('No S3 test server in .tools/moto: run `node scripts/ensure-s3-server.js` (npm test does).');
  }
  const python = findPython();
  // freePort's port may be taken again before moto binds it; moto then exits, and we try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnManaged('moto S3 server', python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      env: { ...process.env, PYTHONPATH: motoDir, PYTHONUNBUFFERED: '1' },
    });
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilAnswering(server, endpoint, 30_000);
    } catch (err) {
      await stop(server);
      if (attempt < 3 && /Address already in use/i.test(server.output())) continue;
      throw err;
    }
    const bucket = `toolstream-test-${randomUUID().slice(0, 8)}`;
    const client = new S3Client({ endpoint, region: s3TestRegion, forcePathStyle: true, credentials: s3TestCredentials });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      await stop(server);
      throw err;
    } finally {
      client.destroy();
    }
    return { endpoint, bucket, close: () => stop(server) };
  }
}

function findPython(): string {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'pipe' });
      return candidate;
    } catch {
      // try the next name
    }
  }
  throw new Error('No python3 to run the S3 test server (moto) with.');
}

async function waitUntilAnswering(server: ManagedProcess, endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // moto's own status route: answers only once the app is loaded, and only moto answers it.
  while (!(await answers(`${endpoint}/moto-api/`))) {
    if (server.exited) throw new Error(`moto S3 server exited before answering\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`moto S3 server did not answer on ${endpoint} within ${timeoutMs} ms\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

async function stop(server: ManagedProcess): Promise<void> {
  const gone = server.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 5_000);
  });
  try {
    if ((await Promise.race([gone, late])) === 'late') await server.kill('SIGKILL');
  } finally {
    clearTimeout(timer);
  }
}
