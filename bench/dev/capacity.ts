import fs from 'node:fs';
import { capacityOptions, runCapacity } from '../measures/capacity';
import { startTemporal } from '../lib/stack';

/**
 * Runs only the capacity measure, for profiling and tuning:
 *   node --import tsx bench/dev/capacity.ts [--quick] [--steps=100,200] [--poll=500] [--stream=20000] [--tps=50]
 *     [--out=report.json] [--stop-after=2] [--fresh-worker] [--env=NAME=value,...] [--worker-node-args=--cpu-prof,...]
 * Writes the whole report (every step's CPU split, event-loop lag, memory) as JSON.
 */
async function main(): Promise<void> {
  const args = new Map(
    process.argv.slice(2).map((arg) => {
      const [name, value = 'true'] = arg.replace(/^--/, '').split(/=(.*)/s);
      return [name, value];
    }),
  );
  const options = capacityOptions(args.has('quick'));
  if (args.has('steps')) options.steps = String(args.get('steps')).split(',').map(Number);
  if (args.has('poll')) options.pollMs = Number(args.get('poll'));
  if (args.has('stream')) options.scenario.streamMs = Number(args.get('stream'));
  if (args.has('tps')) options.scenario.tokensPerSecond = Number(args.get('tps'));
  if (args.has('worker-node-args')) options.workerNodeArgs = String(args.get('worker-node-args')).split(',');
  if (args.has('fresh-worker')) options.freshWorkerPerStep = true;
  if (args.has('stop-after')) options.stopAfterFailures = Number(args.get('stop-after'));
  if (args.has('env')) {
    options.stackEnv = Object.fromEntries(
      String(args.get('env'))
        .split(',')
        .map((pair) => pair.split('=') as [string, string]),
    );
  }
  const started = Date.now();
  const temporal = await startTemporal();
  try {
    const report = await runCapacity(temporal, options, (message) => console.error(message));
    const json = JSON.stringify({ ...report, wallMs: Date.now() - started }, null, 2);
    if (args.has('out')) fs.writeFileSync(String(args.get('out')), json);
    else console.log(json);
  } finally {
    await temporal.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
