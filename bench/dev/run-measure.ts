// Runs one or more measures on their own, printing what they return: for working on a measure
// without the whole `npm run bench`.
// Usage: npx tsx bench/dev/run-measure.ts history-cost|fanout [--quick] [--wait-quiet]
// --wait-quiet waits (up to 10 minutes) until the machine's CPUs are mostly idle before each measure,
// so other programs' load does not end up in the numbers.
import fs from 'node:fs';
import { measureFanout } from '../measures/fanout';
import { measureHistoryCost } from '../measures/history-cost';
import type { BenchContext, BenchResults } from '../lib/results';
import { startTemporal, type BenchTemporal } from '../lib/stack';

const measures: Record<string, (temporal: BenchTemporal, ctx: BenchContext) => Promise<Partial<BenchResults>>> = {
  'history-cost': measureHistoryCost,
  fanout: measureFanout,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !(name in measures));
  if (names.length === 0 || unknown.length > 0) throw new Error(`usage: run-measure.ts ${Object.keys(measures).join('|')} [--quick]`);
  const temporal = await startTemporal();
  try {
    for (const name of names) {
      if (args.includes('--wait-quiet')) await waitQuiet();
      const started = Date.now();
      const result = await measures[name](temporal, { quick, log: (message) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`) });
      console.log(JSON.stringify({ measure: name, seconds: (Date.now() - started) / 1000, result }, null, 2));
    }
  } finally {
    await temporal.close();
  }
}

function busyFraction(): Promise<number> {
  const read = (): number[] => fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const before = read();
  return new Promise((resolve) =>
    setTimeout(() => {
      const after = read();
      const delta = after.map((value, i) => value - before[i]);
      const total = delta.reduce((a, b) => a + b, 0);
      resolve(total > 0 ? 1 - (delta[3] + (delta[4] ?? 0)) / total : 0);
    }, 3000),
  );
}

async function waitQuiet(): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const busy = await busyFraction();
    if (busy < 0.15) return;
    if (Date.now() > deadline) {
      console.error(`machine still ${Math.round(busy * 100)}% busy; measuring anyway`);
      return;
    }
    console.error(`machine ${Math.round(busy * 100)}% busy; waiting for quiet`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
