import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface CpuUsage {
  /** This process (worker, API, fake model, clients) in % of one core. */
  processPercent: number;
  /** The whole machine (dev server and anything else running too), in % of all cores; -1 where /proc/stat is missing. */
  machinePercent: number;
  /** How much of the wall time this process's main event loop was busy. */
  eventLoopPercent: number;
}

/** Starts measuring; the returned function tells the usage since. Evidence for where a latency comes from. */
export function measureCpu(): () => CpuUsage {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const loopStart = performance.eventLoopUtilization();
  const machineStart = machineTicks();
  return () => {
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    const machineEnd = machineTicks();
    const machinePercent =
      machineStart && machineEnd && machineEnd.total > machineStart.total
        ? (100 * (machineEnd.busy - machineStart.busy)) / (machineEnd.total - machineStart.total)
        : -1;
    return {
      processPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      machinePercent: Math.round(machinePercent),
      eventLoopPercent: Math.round(performance.eventLoopUtilization(loopStart).utilization * 100),
    };
  };
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const first = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = first.trim().split(/\s+/).slice(1).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export function describeCpu(usage: CpuUsage): string {
  const machine = usage.machinePercent >= 0 ? `, machine ${usage.machinePercent}% of all cores` : '';
  return `bench process ${usage.processPercent}% of a core (event loop busy ${usage.eventLoopPercent}%)${machine}`;
}
