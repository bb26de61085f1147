import type { BenchContext, BenchResults } from '../lib/results';
import type { BenchTemporal } from '../lib/stack';
import { measureCapacity, measureCapacityNpmStart, measureCapacityWorkflowStreams } from './capacity-realistic';
import { measureCpuCost } from './cpu-cost';
import { measureDispatchLatency } from './dispatch-latency';
import { measureEventDelivery } from './event-delivery';
import { measureFanout } from './fanout';
import { measureHistoryAtScale } from './history-at-scale';
import { measureHistoryCost } from './history-cost';
import { measureOverlap } from './overlap';
import { measureSseDelivery } from './sse-delivery';
import { measureSseFanout } from './sse-fanout';

export type MeasureFunction = (temporal: BenchTemporal, ctx: BenchContext) => Promise<Partial<BenchResults>>;

export interface MeasureEntry {
  /** The name `--only` takes and the page shows. */
  name: string;
  /** The function, or undefined when its module is not in this checkout (the page then says "missing"). */
  load(): Promise<MeasureFunction | undefined>;
}

/** Every measure, in the order they run. */
export const measures: MeasureEntry[] = [
  { name: 'event-delivery', load: async () => measureEventDelivery },
  { name: 'sse-delivery', load: async () => measureSseDelivery },
  { name: 'dispatch-latency', load: async () => measureDispatchLatency },
  { name: 'overlap', load: async () => measureOverlap },
  { name: 'history-cost', load: async () => measureHistoryCost },
  { name: 'fanout', load: async () => measureFanout },
  { name: 'sse-fanout', load: async () => measureSseFanout },
  { name: 'cpu-cost', load: async () => measureCpuCost },
  { name: 'capacity', load: async () => measureCapacity },
  { name: 'capacity-workflow-streams', load: async () => measureCapacityWorkflowStreams },
  { name: 'capacity-npm-start', load: async () => measureCapacityNpmStart },
  { name: 'history-at-scale', load: async () => measureHistoryAtScale },
];
