import type { BenchResults, CapacityRamp, CpuCost, CpuCostBaseline, CpuCostEntry } from '../lib/results';

/** Sections 6 (capacity ramps) and 6c (CPU per generation-second) of the page, with how each is measured. */
export function capacityDetails(results: Partial<BenchResults>, before: CpuCostBaseline | undefined): string[] {
  const lines: string[] = [];
  const capacity = results.capacity;
  if (capacity && !capacity.ramp) {
    // A results file from before the realistic ramp: its capacity part as it was.
    lines.push('### 6. Capacity', '', '```json', JSON.stringify(capacity, null, 2), '```', '');
  }
  const ramps: { name: string; ramp: CapacityRamp }[] = [
    ...(capacity?.ramp ? [{ name: 'ours, one worker process', ramp: capacity.ramp }] : []),
    ...(results.capacityWorkflowStreams ? [{ name: '(c) workflow-streams, one worker process', ramp: results.capacityWorkflowStreams }] : []),
    ...(results.capacityNpmStart ? [{ name: '`npm start`, API and worker in one process', ramp: results.capacityNpmStart }] : []),
    ...(before?.capacity ? [{ name: `ours before issue 13 (recorded ${before.recordedAt.slice(0, 16)}, ${before.commit.slice(0, 7)})`, ramp: before.capacity }] : []),
    ...(before?.capacityNpmStart ? [{ name: `\`npm start\` before issue 13 (recorded, ${before.commit.slice(0, 7)})`, ramp: before.capacityNpmStart }] : []),
  ];
  if (ramps.length > 0) {
    lines.push('### 6. Capacity on the realistic scenario (ours, `npm start`, (c))', '');
    const settings = results.settings?.capacity;
    if (settings) lines.push(`Settings: ${Object.entries(settings).map(([name, value]) => `${name} = ${String(value)}`).join('; ')}.`, '');
    for (const { name, ramp } of ramps) {
      lines.push(
        `**${name}**: ${ramp.maxConcurrent} concurrent pass${ramp.firstFailed === undefined ? '' : `, ${ramp.firstFailed} fail`} (ramp ${ramp.ended}, ${(ramp.wallMs / 1000).toFixed(0)} s${ramp.measuredAt ? `, run ${ramp.measuredAt.slice(0, 16)}` : ''}). Dispatch: ${ramp.dispatchFrom}.`,
        '',
        '| concurrent | passed | dispatch p50 / p99 | block stop → tool p99 | failed generations | worker CPU | dev server CPU | worker / dev server CPU ms per generation-second | worker peak RSS | other load on the box |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...[...ramp.steps]
          .sort((a, b) => a.concurrent - b.concurrent)
          .map(
            (step) =>
              `| ${step.concurrent} | ${step.passed ? 'yes' : '**no**'} | ${step.dispatchP50Ms} / ${step.dispatchP99Ms} ms (${step.dispatchSamples}/${step.expectedSamples}) | ${step.fromBlockStopP99Ms} ms | ${step.failedGenerations} | ` +
              `${step.workerCpuPercent} % | ${step.devServerCpuPercent} % | ${step.workerCpuMsPerGenerationSecond} / ${step.devServerCpuMsPerGenerationSecond} | ${step.rssMB} MB | ${step.otherLoadPercent === undefined ? '—' : `${step.otherLoadPercent} %`} |`,
          ),
        '',
      );
    }
  }
  if (results.cpuCost || before) lines.push(...cpuCostSection(results.cpuCost, before, results.settings?.cpuCost));
  if (ramps.length > 0 || results.cpuCost) lines.push(...howMeasured());
  return lines;
}

const systemNames: Record<string, string> = { ours: 'ours', workflowStreams: '(c) workflow-streams', inProcess: '(a) in-process loop' };

function cpuCostSection(cost: CpuCost | undefined, before: CpuCostBaseline | undefined, settings: Record<string, string | number | boolean> | undefined): string[] {
  const lines = ['### 6c. CPU per generation-second', ''];
  if (cost?.measuredAt) lines.push(`Run ${cost.measuredAt.slice(0, 16)}, each system alone in turn, on the same dev server.`, '');
  if (settings) lines.push(`Settings: ${Object.entries(settings).map(([name, value]) => `${name} = ${String(value)}`).join('; ')}.`, '');
  lines.push(
    '| scenario | system | worker CPU ms per generation-second | dev server CPU ms per generation-second | both | dispatch p50 / p99 | failed | other load on the box |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const row = (scenario: string, name: string, entry: CpuCostEntry): string =>
    `| ${scenario} | ${name} | ${entry.workerCpuMsPerGenerationSecond} | ${entry.devServerCpuMsPerGenerationSecond} | ${Math.round((entry.workerCpuMsPerGenerationSecond + entry.devServerCpuMsPerGenerationSecond) * 10) / 10} | ${entry.dispatchP50Ms} / ${entry.dispatchP99Ms} ms | ${entry.failedGenerations} | ${entry.otherLoadPercent === undefined ? '—' : `${entry.otherLoadPercent} % of a core`} |`;
  for (const scenario of ['stress', 'realistic'] as const) {
    for (const [system, entry] of Object.entries(cost?.scenarios[scenario] ?? {})) {
      if (entry) lines.push(row(scenario, `${systemNames[system] ?? system}${cost ? `, ${cost.concurrent} concurrent` : ''}`, entry));
    }
    const then = before?.cpuCost.scenarios[scenario].ours;
    if (then && before) lines.push(row(scenario, `ours before issue 13 (recorded, ${before.commit.slice(0, 7)}, ${before.cpuCost.concurrent} concurrent)`, then));
  }
  lines.push('');
  if (before) lines.push(`Recorded ${before.recordedAt} at commit \`${before.commit.slice(0, 12)}\`: ${before.note}`, '');
  return lines;
}

function howMeasured(): string[] {
  return [
    'How these are measured (issue 13). Every system runs its "worker" in a process of its own, so its CPU (user + system, all ' +
      'threads, from /proc) is its own; the fake model runs in another process and counts towards none; clients run in the bench ' +
      'process. **Ours**: the worker process configured like the product, the HTTP API in the bench process in front of it, one ' +
      'client per generation polling its events every 500 ms. **`npm start`**: `src/main.ts` as a new user runs it, the API and ' +
      'the worker in one process (so the polling clients\' reads cost this process too) with its own embedded dev server (a SQLite ' +
      'file), its default settings and logging; only the model URL (the bench\'s fake) and the test tools differ. **(c)**: ' +
      '`@temporalio/workflow-streams` as its LLM sample builds it, extended with tools (bench/baselines/workflow-streams/), its ' +
      'worker in its own process with the same activity slots and heartbeat throttle as ours, 100 ms text batches as ours, one ' +
      'subscriber per generation reading every topic (long-polling updates, at most every 500 ms). **(a)**: the agent loop with ' +
      'no Temporal (bench/baselines/in-process-loop.ts), its process is its worker, and it has no dev server (0).',
    '',
    '**Dispatch**: ours and `npm start`: `tool.detected` (the model activity saw the block stop) → the tool\'s code starting. ' +
      '(c) cannot start a tool before its model turn has ended (the activity returns the turn; the workflow then runs the calls), ' +
      'so its dispatch is timed from the moment its design lets a tool start, the model activity seeing its stream\'s last event, ' +
      'to the tool activity starting; the column "block stop → tool" shows, for (c), the whole wait from the call\'s block stop, ' +
      'which is what a user of (c) waits. **A step passes** when every generation completed (within twice its nominal time plus ' +
      '20 s), every tool call was timed, and dispatch p99 ≤ 250 ms. **The ramp** doubles the concurrency while steps pass, then ' +
      'bisects between the last pass and the first fail until the bracket is within 15 %, on one warm process, starts of a step ' +
      'spread over 3 s, no new step once the ramp has run 6 minutes.',
    '',
    '**CPU per generation-second**: the CPU seconds the worker process (and the dev server) used from the first generation\'s ' +
      'start to the last one\'s end, divided by the sum over the generations of request → completion. The dev server\'s idle ' +
      'CPU is included. Before issue 13 is ours measured the same way at the commit named, and kept in ' +
      '`bench/baselines/cpu-cost-before-issue-13.json`.',
    '',
  ];
}
