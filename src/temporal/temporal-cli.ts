import fs from 'node:fs';
import path from 'node:path';
import { searchAttributeRegistrations } from '../shared/search-attributes';

const projectRoot = path.resolve(__dirname, '..', '..');

/**
 * The `temporal` CLI to run the dev server with: TEMPORAL_CLI_PATH, else one on PATH, else the one
 * `scripts/ensure-temporal.js` installed into .tools/. Never downloads anything.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, 'temporal');
    if (candidate && isExecutable(candidate)) return candidate;
  }
  const installed = path.join(projectRoot, '.tools', 'temporal', 'bin', 'temporal');
  if (isExecutable(installed)) return installed;
  throw new Error('No temporal CLI found: run `node scripts/ensure-temporal.js` (npm start and npm test do) or set TEMPORAL_CLI_PATH.');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Flags every dev server we start gets: eager activity dispatch lets a tool start in the same round
 * trip; a workflow whose task fails twice in a row is marked (TemporalReportedProblems) so the API
 * and the Web UI show it stuck within seconds rather than after the default five failures.
 */
export const devServerDynamicConfig = [
  '--dynamic-config-value',
  'system.enableActivityEagerExecution=true',
  '--dynamic-config-value',
  'system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2',
];

/** Registers the generation search attributes (src/shared/search-attributes.ts) on a dev server we start. */
export const devServerSearchAttributes = searchAttributeRegistrations.flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
