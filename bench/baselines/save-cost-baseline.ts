// Keeps a full run's cpu-cost and capacity ramps (ours, `npm start`) as the recorded "before" the page shows
// beside the live figures: bench/baselines/cpu-cost-before-issue-13.json.
// Usage: npx tsx bench/baselines/save-cost-baseline.ts <results.json> [<more results.json> …] --note "<how it was run>" [--commit <sha>]
// (--commit: the commit whose application code ran, when the bench code ran from a later one; default HEAD.)
// Later files fill parts the earlier ones lack (the measures can be run separately, under the bench lock).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchResults, CpuCostBaseline } from '../lib/results';

function main(): void {
  const { values, positionals } = parseArgs({ options: { note: { type: 'string' }, out: { type: 'string' }, commit: { type: 'string' } }, allowPositionals: true });
  if (positionals.length === 0 || !values.note) throw new Error('usage: save-cost-baseline.ts <results.json>… --note "<how it was run>"');
  const runs = positionals.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BenchResults>);
  const cpuCost = runs.find((run) => run.cpuCost)?.cpuCost;
  if (!cpuCost) throw new Error('none of the files has a cpuCost part');
  if (runs.some((run) => run.quick)) throw new Error('a quick run is not a baseline');
  const capacity = runs.find((run) => run.capacity?.ramp)?.capacity?.ramp;
  const capacityNpmStart = runs.find((run) => run.capacityNpmStart)?.capacityNpmStart;
  const baseline: CpuCostBaseline = {
    label: 'before issue 13',
    recordedAt: runs.find((run) => run.cpuCost)?.startedAt ?? new Date().toISOString(),
    commit: execFileSync('git', ['rev-parse', values.commit ?? 'HEAD'], { encoding: 'utf8' }).trim(),
    note: values.note,
    machine: runs.find((run) => run.cpuCost)?.machine,
    cpuCost,
    ...(capacity ? { capacity } : {}),
    ...(capacityNpmStart ? { capacityNpmStart } : {}),
  };
  const out = values.out ?? path.resolve(__dirname, 'cpu-cost-before-issue-13.json');
  fs.writeFileSync(out, `${JSON.stringify(baseline, null, 2)}\n`);
  console.error(`wrote ${out}`);
}

main();
