import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { searchAttributeRegistrations } from '../../src/shared/search-attributes';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');

/** Debian's docker-compose (scripts/ensure-docker-compose.js installs it) checks the file against the Compose schema; no daemon is needed. */
async function compose(...args: string[]): Promise<string> {
  const { stdout } = await run('docker-compose', ['--file', composeFile, '--project-directory', root, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
  });
  return stdout;
}

/** One service's block of the normalized file (`docker-compose config` prints services sorted, two-space indented). */
function serviceBlock(normalized: string, name: string): string {
  const start = normalized.indexOf(`\n  ${name}:\n`);
  expect(start).toBeGreaterThan(-1);
  const rest = normalized.slice(start + name.length + 5);
  const end = rest.search(/\n {2}\S|\n\S/);
  return end === -1 ? rest : rest.slice(0, end);
}

test('docker-compose.yml is a valid Compose file with the whole deployment', async () => {
  await compose('config', '--quiet');
  const services = (await compose('config', '--services')).trim().split('\n').sort();
  expect(services).toEqual(['api', 'minio', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
  expect((await compose('config', '--volumes')).trim().split('\n').sort()).toEqual(['minio', 'postgresql', 'workspaces']);

  const normalized = await compose('config');
  const worker = serviceBlock(normalized, 'worker');
  // Scalable with --scale worker=N: no fixed host port, no fixed container name.
  expect(worker).not.toMatch(/^\s+ports:/m);
  expect(worker).not.toMatch(/container_name/);
  expect(worker).toContain('TEMPORAL_ADDRESS: temporal:7233');
  expect(worker).toContain('TOOLSTREAM_STORE: s3');
  expect(worker).toContain('workspaces:/data/workspaces');
  expect(serviceBlock(normalized, 'temporal')).toContain('DB: postgres12');
  expect(serviceBlock(normalized, 'api')).toContain('TOOLSTREAM_S3_ENDPOINT: http://minio:9000');

  // Every search attribute the workflow upserts is registered on the cluster.
  const setup = serviceBlock(normalized, 'temporal-setup').replace(/\s+/g, ' ');
  for (const [name, type] of searchAttributeRegistrations) expect(setup).toContain(`--name ${name} --type ${type}`);
});

test('the image builds the API and the worker entry points', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/^FROM node:20/m);
  expect(dockerfile).toContain('tsc -p tsconfig.build.json');
  for (const entry of ['src/api-main.ts', 'src/worker-main.ts']) expect(fs.existsSync(path.join(root, entry))).toBe(true);
});
