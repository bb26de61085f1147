import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Writes the workflow bundle the bench's worker runs, so a workflow thread's .cpuprofile can be mapped
 * back to modules (bench/dev/summarize-cpuprofile.ts --bundle=...):
 *   node --import tsx bench/dev/write-workflow-bundle.ts /tmp/workflow-bundle.js
 */
async function main(): Promise<void> {
  const out = process.argv[2] ?? 'workflow-bundle.js';
  const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: silent });
  fs.writeFileSync(out, bundle.code);
  console.error(`wrote ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
