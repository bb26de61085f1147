import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import readline from 'node:readline';
import type { ChildMessage } from './child-process';

/** The child's side of child-process.ts: JSON lines out, JSON lines in, and no life beyond its parent. */

export function sendToParent(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Runs `onMessage` for each message from the parent; when the parent goes away (stdin closes) runs
 * `shutdown` and exits, so a benchmark that dies never leaves this process behind.
 */
export function serveParent(onMessage: (message: ChildMessage) => void | Promise<void>, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code), 10_000);
    force.unref();
    shutdown()
      .catch((err: unknown) => console.error('shutdown failed', err))
      .finally(() => process.exit(code));
  };
  readline
    .createInterface({ input: process.stdin })
    .on('line', (line) => {
      let message: ChildMessage;
      try {
        message = JSON.parse(line) as ChildMessage;
      } catch {
        return;
      }
      Promise.resolve(onMessage(message)).catch((err: unknown) => sendToParent({ type: 'error', message: String(err) }));
    })
    .on('close', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  process.once('SIGINT', () => stop(0));
}

export interface LoopStats {
  type: 'loop';
  /** Share of the window the event loop was busy (0..1). */
  utilization: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  heapUsedMB: number;
  rssMB: number;
}

/**
 * Reports, every `intervalMs`, how busy this process's event loop was and how late its timers ran:
 * when a process is the bottleneck, this says so.
 */
export function reportLoopStats(intervalMs: number): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let lastElu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const memory = process.memoryUsage();
    const stats: LoopStats = {
      type: 'loop',
      utilization: Math.round(elu.utilization * 1000) / 1000,
      lagP50Ms: nsToMs(delay.percentile(50)),
      lagP99Ms: nsToMs(delay.percentile(99)),
      lagMaxMs: nsToMs(delay.max),
      heapUsedMB: Math.round(memory.heapUsed / 1024 / 102.4) / 10,
      rssMB: Math.round(memory.rss / 1024 / 102.4) / 10,
    };
    delay.reset();
    sendToParent(stats as unknown as ChildMessage);
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}

/** The histogram's lag includes its own 10 ms resolution; subtract it so an idle loop reads ~0. */
function nsToMs(ns: number): number {
  return Math.max(0, Math.round((ns / 1e6 - 10) * 10) / 10);
}

/** Answers the parent's `{type: 'gc'}` (in a child run with --expose-gc) by collecting garbage and saying `gc-done`. */
export function answerGc(message: ChildMessage): void {
  if (message.type === 'gc' && typeof global.gc === 'function') {
    global.gc();
    sendToParent({ type: 'gc-done' });
  }
}

/** What a worker child needs of its Temporal worker: its state and a way to stop it. */
interface ChildWorker {
  getState(): string;
  shutdown(): void;
}

/** Resolves once the worker polls: a worker child says `ready` only then. */
export async function untilRunning(worker: ChildWorker): Promise<void> {
  while (worker.getState() !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Shuts the worker down unless it already stops, and waits for its run to end. */
export async function stopWorker(worker: ChildWorker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
}
