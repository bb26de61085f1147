import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface CpuUsage {
  /** This process (worker, API, fake model, clients) in % of one core. */
  processPercent: number;
  /** This process's child processes (the Temporal dev server) in % of one core; -1 where /proc is missing. */
  childrenPercent: number;
  /** The whole machine (anything else running too), in % of all cores; -1 where /proc/stat is missing. */
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
  const childrenStart = childrenTicks();
  return () => {
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    const machineEnd = machineTicks();
    const machinePercent =
      machineStart && machineEnd && machineEnd.total > machineStart.total
        ? (100 * (machineEnd.busy - machineStart.busy)) / (machineEnd.total - machineStart.total)
        : -1;
    const childrenEnd = childrenTicks();
    return {
      processPercent: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      childrenPercent: childrenStart !== undefined && childrenEnd !== undefined ? Math.round((((childrenEnd - childrenStart) * msPerTick) / wallMs) * 100) : -1,
      machinePercent: Math.round(machinePercent),
      eventLoopPercent: Math.round(performance.eventLoopUtilization(loopStart).utilization * 100),
    };
  };
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms on every common architecture. */
const msPerTick = 10;

/** CPU ticks used so far by the direct children of this process (the dev server); they must outlive the measurement. */
function childrenTicks(): number | undefined {
  try {
    let total = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the parenthesised command name: state ppid … utime (14th field) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid) total += Number(fields[11]) + Number(fields[12]);
    }
    return total;
  } catch {
    return undefined;
  }
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
  const children = usage.childrenPercent >= 0 ? `, dev server ${usage.childrenPercent}% of a core` : '';
  const machine = usage.machinePercent >= 0 ? `, whole machine ${usage.machinePercent}% of all cores` : '';
  return `bench process ${usage.processPercent}% of a core (event loop busy ${usage.eventLoopPercent}%)${children}${machine}`;
}
