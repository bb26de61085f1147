// Keeps a run of history-at-scale as a baseline the page shows beside the live figures:
//   npx tsx bench/run.ts --only history-at-scale --out /tmp/hs
//   npx tsx bench/dev/save-history-baseline.ts /tmp/hs/latest.json "old design (whole conversation in payloads)" "how it was recorded"
// writes bench/baselines/old-design-history.json (or the path given as a 4th argument).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResults, HistoryAtScaleBaseline } from '../lib/results';

const root = path.resolve(__dirname, '../..');

function main(): void {
  const [resultsFile, label, note, out = path.join(root, 'bench/baselines/old-design-history.json')] = process.argv.slice(2);
  if (!resultsFile || !label || !note) throw new Error('usage: save-history-baseline.ts <latest.json> <label> <note> [out]');
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Partial<BenchResults>;
  if (!results.historyAtScale) throw new Error(`${resultsFile} has no historyAtScale part`);
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const baseline: HistoryAtScaleBaseline = {
    label,
    recordedAt: results.startedAt ?? new Date().toISOString(),
    commit,
    note,
    ...(results.machine ? { machine: results.machine } : {}),
    historyAtScale: results.historyAtScale,
  };
  fs.writeFileSync(out, `${JSON.stringify(baseline, null, 2)}\n`);
  console.error(`wrote ${path.relative(root, out)}`);
}

main();
