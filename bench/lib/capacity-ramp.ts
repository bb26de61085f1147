import type { LoadScenarioName, LoadScenarios, LoadTarget } from './load-target';
import { describeStep, runLoadStep, type LoadStep, type LoadStepOptions } from './load-step';

export interface RampOptions extends LoadStepOptions {
  scenario: LoadScenarioName;
  /** First concurrency tried; doubled while steps pass, then bisected between the last pass and the first fail. */
  start: number;
  max: number;
  /** Bisection stops once the bracket is this narrow, relative to the passing end (0.15: within 15 %). */
  resolution: number;
  /** No new step starts once the ramp has run this long, or when the next step would not end before it. */
  budgetMs: number;
}

export interface RampResult {
  /** The highest concurrency that passed (0: none did). */
  maxConcurrent: number;
  /** The lowest that failed, if any: the answer lies between. */
  firstFailed?: number;
  /** Why the ramp stopped. */
  ended: 'resolved' | 'max reached' | 'time budget';
  steps: LoadStep[];
  wallMs: number;
}

/**
 * Capacity by doubling then bisection: on a 2-core box each step takes a generation's length (~30 s),
 * so a linear ramp is too slow. Steps run one after another on the same (warm) target.
 */
export async function runCapacityRamp(target: LoadTarget, scenarios: LoadScenarios, options: RampOptions, log: (message: string) => void): Promise<RampResult> {
  const started = Date.now();
  const steps: LoadStep[] = [];
  let passed = 0;
  let failed: number | undefined;
  let next = options.start;
  let ended: RampResult['ended'] = 'resolved';
  for (;;) {
    const elapsed = Date.now() - started;
    const lastStepMs = steps.length > 0 ? (steps[steps.length - 1].wallSeconds * 1000) : 0;
    if (elapsed + lastStepMs > options.budgetMs) {
      ended = 'time budget';
      break;
    }
    const step = await runLoadStep(target, scenarios, options.scenario, next, options);
    steps.push(step);
    log(describeStep(target.label, step));
    if (step.passed) passed = Math.max(passed, next);
    else failed = Math.min(failed ?? Infinity, next);
    if (failed === undefined) {
      if (next >= options.max) {
        ended = 'max reached';
        break;
      }
      next = Math.min(options.max, next * 2);
      continue;
    }
    if (failed - passed <= Math.max(1, Math.round(passed * options.resolution))) break;
    next = Math.round((passed + failed) / 2);
  }
  return { maxConcurrent: passed, ...(failed === undefined ? {} : { firstFailed: failed }), ended, steps, wallMs: Date.now() - started };
}
