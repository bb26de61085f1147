import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historiesDir } from '../support/record-history';

/**
 * Histories recorded from real end-to-end runs must replay on today's workflow code: a change that
 * would break running generations (non-determinism) fails here, before it ships.
 */
const files = fs.readdirSync(historiesDir).filter((file) => file.endsWith('.json')).sort();

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('%s replays without non-determinism', async (file) => {
  const history: unknown = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
  await expect(
    Worker.runReplayHistory({ workflowsPath: require.resolve('../../src/workflows'), replayName: file }, history, `replay-${file}`),
  ).resolves.toBeUndefined();
});
