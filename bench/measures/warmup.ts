import type { Scenario } from '../../src/fake-anthropic';
import type { BenchStack, BenchTemporal } from '../lib/stack';
import { awaitGeneration } from './await-generation';
import { GenerationClient, promptFor } from './generation-client';

export const warmupScenarioName = 'warmup';

/** A short generation with one tool call. */
export const warmupScenario: Scenario = [
  { steps: [{ type: 'text', text: 'Warming up.' }, { type: 'tool_use', name: 'sleep', input: { ms: 1 } }], tokensPerSecond: 200 },
  { steps: [{ type: 'text', text: 'Warm.' }], tokensPerSecond: 200 },
];

/**
 * Runs one unmeasured generation on a fresh stack (whose scenarios include `warmupScenario`): the first
 * workflow and activity tasks of a new worker pay one-time costs (the workflow bundle loading into its
 * V8 context, connections opening) that no later generation pays.
 */
export async function warmUp(stack: BenchStack, temporal: BenchTemporal): Promise<void> {
  const client = new GenerationClient(stack.url);
  const { id } = await client.create(promptFor(warmupScenarioName));
  await awaitGeneration(temporal, id);
}
