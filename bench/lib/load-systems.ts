import { startInProcessLoadTarget } from '../baselines/in-process-load-target';
import { startWorkflowStreamsLoadTarget } from '../baselines/workflow-streams/load-target';
import { startChild, type BenchChild } from './child-process';
import type { LoadScenarios, LoadTarget } from './load-target';
import { startNpmStartLoadTarget } from './npm-start-load-target';
import { startOursLoadTarget } from './ours-load-target';
import type { BenchTemporal } from './stack';

/** The systems the load measures compare. */
export const LoadSystem = {
  ours: 'ours',
  workflowStreams: 'workflowStreams',
  inProcess: 'inProcess',
  npmStart: 'npmStart',
} as const;
export type LoadSystem = (typeof LoadSystem)[keyof typeof LoadSystem];

export const loadSystemLabels: Record<LoadSystem, string> = {
  ours: 'ours',
  workflowStreams: '(c) workflow-streams',
  inProcess: '(a) in-process loop',
  npmStart: '`npm start`',
};

export function startLoadTarget(system: LoadSystem, temporal: BenchTemporal, fakeUrl: string, stackEnv: Record<string, string>): Promise<LoadTarget> {
  switch (system) {
    case LoadSystem.ours:
      return startOursLoadTarget(temporal, fakeUrl, stackEnv);
    case LoadSystem.workflowStreams:
      return startWorkflowStreamsLoadTarget(temporal, fakeUrl);
    case LoadSystem.inProcess:
      return startInProcessLoadTarget(fakeUrl);
    case LoadSystem.npmStart:
      return startNpmStartLoadTarget(fakeUrl);
  }
}

/** The fake model for the load measures, in its own process (bench/lib/scenario-model-process.ts). */
export async function startScenarioModel(scenarios: LoadScenarios): Promise<{ child: BenchChild; url: string }> {
  const child = await startChild({
    name: 'fake model',
    entry: 'bench/lib/scenario-model-process.ts',
    env: { BENCH_STRESS_SCENARIO: JSON.stringify(scenarios.stress), BENCH_REALISTIC_SCENARIO: JSON.stringify(scenarios.realistic) },
  });
  return { child, url: String((await child.next('ready', 1000)).url) };
}
