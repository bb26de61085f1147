import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowIdFor } from '../../src/shared/generation';
import { findTemporalCli } from '../../src/temporal/temporal-cli';

export const historiesDir = path.join(__dirname, '..', 'fixtures', 'histories');

/**
 * With RECORD_HISTORIES=1, saves the finished workflow's history (as `temporal workflow show
 * --output json` exports it, the same JSON the Web UI downloads) for test/workflows/replay.test.ts.
 * Re-record after an intended change to workflow behaviour.
 */
export async function maybeRecordHistory(env: TestWorkflowEnvironment, generationId: string, name: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const run = runId ? ['--run-id', runId] : [];
  const json = execFileSync(
    findTemporalCli(),
    ['workflow', 'show', '--workflow-id', workflowIdFor(generationId), ...run, '--address', env.address, '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  fs.mkdirSync(historiesDir, { recursive: true });
  fs.writeFileSync(path.join(historiesDir, `${name}.json`), json);
}
