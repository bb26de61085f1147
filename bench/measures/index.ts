import fs from 'node:fs';
import path from 'node:path';
import type { BenchContext, BenchResults } from '../lib/results';
import type { BenchTemporal } from '../lib/stack';
import { measureDispatchLatency } from './dispatch-latency';
import { measureEventDelivery } from './event-delivery';
import { measureOverlap } from './overlap';

export type MeasureFunction = (temporal: BenchTemporal, ctx: BenchContext) => Promise<Partial<BenchResults>>;

export interface MeasureEntry {
  /** The name `--only` takes and the page shows. */
  name: string;
  /** The function, or undefined when its module is not in this checkout (the page then says "missing"). */
  load(): Promise<MeasureFunction | undefined>;
}

/** A measure whose module another change adds: loaded when its file exists, never faked when it does not. */
function optional(name: string, file: string, exportName: string): MeasureEntry {
  return {
    name,
    async load() {
      if (!['.ts', '.js'].some((ext) => fs.existsSync(path.join(__dirname, file + ext)))) return undefined;
      // A computed path keeps the typecheck passing while the module does not exist yet.
      const loaded = (await import(path.join(__dirname, file))) as Record<string, unknown>;
      const measure = loaded[exportName];
      if (typeof measure !== 'function') throw new Error(`bench/measures/${file} does not export ${exportName}`);
      return measure as MeasureFunction;
    },
  };
}

/** Every measure, in the order they run. */
export const measures: MeasureEntry[] = [
  { name: 'event-delivery', load: async () => measureEventDelivery },
  { name: 'dispatch-latency', load: async () => measureDispatchLatency },
  { name: 'overlap', load: async () => measureOverlap },
  optional('history-cost', 'history-cost', 'measureHistoryCost'),
  optional('fanout', 'fanout', 'measureFanout'),
  optional('capacity', 'capacity', 'measureCapacity'),
];
