import fs from 'node:fs';

/**
 * What the kernel says about a process (Linux /proc): resident memory and CPU time, so a measure can
 * attribute memory and CPU to one process (the worker) and not to whoever runs the benchmark.
 */

/** Resident set size in MiB (VmRSS), or NaN once the process is gone. */
export function readRssMB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const clockTicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

/** User + system CPU seconds the process has used so far (all its threads: V8, libuv, Temporal's Rust core). */
export function readCpuSeconds(pid: number): number {
  try {
    const fields = statFields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** Fields of /proc/<pid>/stat after the `(comm)`; index 0 is the state, 1 the parent pid. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds of each thread of a process, by thread id, with the thread's name. */
export function readThreadCpuSeconds(pid: number): Map<number, { name: string; seconds: number }> {
  const threads = new Map<number, { name: string; seconds: number }>();
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const fields = statFields(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        threads.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond });
      } catch {
        // thread ended meanwhile
      }
    }
  } catch {
    // process gone
  }
  return threads;
}

export interface ThreadShare {
  /** Percent of one core used by the process's main (JavaScript) thread. */
  main: number;
  /** The busiest other thread; in a Temporal worker that is the workflow thread. */
  busiestOther: { name: string; percent: number };
  /** Everything else together (GC helpers, libuv, Temporal core's tokio threads). */
  rest: number;
}

/** Per-thread CPU of one process over a window: which thread is the bottleneck. */
export class ThreadCpuWindow {
  private readonly startedAt = performance.now();
  private readonly start: Map<number, { name: string; seconds: number }>;

  constructor(private readonly pid: number) {
    this.start = readThreadCpuSeconds(pid);
  }

  read(): ThreadShare {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const percent = (used: number): number => round((used / seconds) * 100);
    const used = [...readThreadCpuSeconds(this.pid)].map(([tid, now]) => ({ tid, name: now.name, used: now.seconds - (this.start.get(tid)?.seconds ?? 0) }));
    const main = used.find((thread) => thread.tid === this.pid)?.used ?? 0;
    const others = used.filter((thread) => thread.tid !== this.pid).sort((a, b) => b.used - a.used);
    const busiest = others[0];
    const rest = others.slice(1).reduce((sum, thread) => sum + thread.used, 0);
    return { main: percent(main), busiestOther: { name: busiest?.name ?? '', percent: percent(busiest?.used ?? 0) }, rest: percent(rest) };
  }
}

/** Direct children of `parentPid` whose command line contains `match`. */
export function childPids(parentPid: number, match: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (Number(fields[1]) !== parentPid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(match)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Busy and total CPU ticks of the whole machine, all cores summed. */
function machineTicks(): { busy: number; total: number } {
  const cpuLine = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = values[3] + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuShare {
  /** Percent of one core each watched process used over the window (200 = two cores busy). */
  processes: Record<string, number>;
  /** CPU seconds each watched process used over the window. */
  seconds: Record<string, number>;
  /** Percent of all cores the machine as a whole was busy. */
  machine: number;
}

/** CPU use of named processes over a window: start it, run the load, read it. */
export class CpuWindow {
  private readonly startedAt = performance.now();
  private readonly startCpu: Record<string, number>;
  private readonly startMachine = machineTicks();

  constructor(private readonly pids: Record<string, number>) {
    this.startCpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readCpuSeconds(pid)]));
  }

  read(): CpuShare {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const processes: Record<string, number> = {};
    const used: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      used[name] = round(readCpuSeconds(pid) - this.startCpu[name], 2);
      processes[name] = round((used[name] / seconds) * 100);
    }
    const machine = machineTicks();
    const total = machine.total - this.startMachine.total;
    return { processes, seconds: used, machine: round(total > 0 ? ((machine.busy - this.startMachine.busy) / total) * 100 : Number.NaN) };
  }
}

/** Samples one process's RSS on an interval and keeps the peak. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peakMB = 0;
  samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peakMB;
  }

  private sample(): void {
    const rss = readRssMB(this.pid);
    if (Number.isFinite(rss)) {
      this.peakMB = Math.max(this.peakMB, rss);
      this.samples++;
    }
  }
}

function round(value: number, digits = 1): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
