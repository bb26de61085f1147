// `npm run bench [-- --quick] [--out <dir>|tmp] [--only a,b] [--report-only]`: runs every measure against one
// Temporal dev server, writes the results JSON and regenerates the performance page with its pictures.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findTemporalCli } from '../src/temporal/temporal-cli';
import type { BenchContext, BenchResults, MeasureOutcome } from './lib/results';
import { startTemporal } from './lib/stack';
import { measures } from './measures';
import { extraStackEnv } from './measures/stack-env';
import { writeReport } from './report/write-report';

const root = path.resolve(__dirname, '..');
/** The pictures need distributions, not every sample: past this many, keep evenly spaced quantiles. */
const maxSamplesPerSeries = 2000;

interface Outputs {
  json: string;
  page: string;
  pictures: string;
}

function outputsFor(out: string | undefined): Outputs {
  if (out === undefined) {
    return { json: path.join(root, 'bench/results/latest.json'), page: path.join(root, 'docs/PERFORMANCE.md'), pictures: path.join(root, 'docs/perf') };
  }
  // `--out tmp`: a fresh OS temp dir, so the CI smoke run leaves nothing in the checkout.
  const dir = out === 'tmp' ? fs.mkdtempSync(path.join(os.tmpdir(), 'toolstream-bench-out-')) : path.resolve(out);
  return { json: path.join(dir, 'latest.json'), page: path.join(dir, 'PERFORMANCE.md'), pictures: path.join(dir, 'perf') };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      'report-only': { type: 'boolean', default: false },
    },
  });
  const outputs = outputsFor(values.out);
  const report = (results: Partial<BenchResults>): void => {
    for (const file of writeReport(results, {
      ...outputs,
      keepFallback: path.join(root, 'docs/PERFORMANCE.md'),
      oldHistoryBaseline: path.join(root, 'bench/baselines/old-design-history.json'),
      costBaseline: path.join(root, 'bench/baselines/cpu-cost-before-issue-13.json'),
    })) log(`wrote ${path.relative(root, file)}`);
  };

  if (values['report-only']) {
    report(JSON.parse(fs.readFileSync(outputs.json, 'utf8')) as Partial<BenchResults>);
    return 0;
  }

  const only = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !measures.some((m) => m.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown measure(s) ${unknown.join(', ')}; known: ${measures.map((m) => m.name).join(', ')}`);
  const selected = measures.filter((m) => only === undefined || only.includes(m.name));

  const started = Date.now();
  const ctx: BenchContext = { quick: values.quick, log };
  const outcomes: MeasureOutcome[] = [];
  const extraEnv = extraStackEnv();
  let results: Partial<BenchResults> = {
    quick: values.quick,
    startedAt: new Date(started).toISOString(),
    machine: machine(),
    measures: outcomes,
    ...(Object.keys(extraEnv).length > 0 ? { settings: { stackEnv: extraEnv } } : {}),
  };
  log(`${values.quick ? 'quick' : 'full'} run: ${selected.map((m) => m.name).join(', ')}`);

  const temporal = await startTemporal();
  try {
    for (const entry of selected) {
      const measureStarted = Date.now();
      try {
        const measure = await entry.load();
        if (measure === undefined) {
          log(`${entry.name}: missing (its module is not in this checkout)`);
          outcomes.push({ name: entry.name, status: 'missing', durationMs: 0 });
          continue;
        }
        log(`${entry.name}: start`);
        results = merge(results, await measure(temporal, ctx));
        outcomes.push({ name: entry.name, status: 'ok', durationMs: Date.now() - measureStarted });
        log(`${entry.name}: done in ${((Date.now() - measureStarted) / 1000).toFixed(1)} s`);
      } catch (err) {
        // One measure failing must not cost the others: record it, go on, fail the run at the end.
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        outcomes.push({ name: entry.name, status: 'error', durationMs: Date.now() - measureStarted, error });
        log(`${entry.name}: FAILED\n${error}`);
      }
    }
  } finally {
    await temporal.close();
  }

  results.durationMs = Date.now() - started;
  results.machine?.loadAverage?.push(round(os.loadavg()[0]));
  results.samples = compactSamples(results.samples ?? {});
  fs.mkdirSync(path.dirname(outputs.json), { recursive: true });
  fs.writeFileSync(outputs.json, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(root, outputs.json)}`);
  report(results);
  const failed = outcomes.filter((o) => o.status === 'error').map((o) => o.name);
  if (failed.length > 0) log(`failed measures: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

/** Measures return disjoint parts; `samples` and `settings` are maps every measure adds to. */
function merge(into: Partial<BenchResults>, part: Partial<BenchResults>): Partial<BenchResults> {
  return {
    ...into,
    ...part,
    samples: { ...into.samples, ...part.samples },
    settings: { ...into.settings, ...part.settings },
    measures: into.measures,
  };
}

function compactSamples(samples: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(samples).map(([key, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const kept = sorted.length <= maxSamplesPerSeries ? sorted : Array.from({ length: maxSamplesPerSeries }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (maxSamplesPerSeries - 1))]);
      return [key, kept.map((value) => Math.round(value * 100) / 100)];
    }),
  );
}

function machine(): BenchResults['machine'] {
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(findTemporalCli(), ['--version'], { encoding: 'utf8' }).trim().replace(/^temporal version /, '');
  } catch {
    // Reported as unknown; startTemporal fails loudly right after if the CLI is really unusable.
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    temporalCli,
    loadAverage: [round(os.loadavg()[0])],
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const startedAt = Date.now();
function log(message: string): void {
  console.error(`[bench +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
