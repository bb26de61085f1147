import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/**
 * A TypeScript entry run in its own Node process (`node --import tsx`), talking JSON lines on
 * stdout/stdin: so a measure can watch one part of the stack (its memory, its CPU) on its own.
 * Every child started here is killed when the benchmark process exits, however it exits.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

export interface BenchChild {
  name: string;
  pid: number;
  /** The first message of this type (already received or future). */
  next(type: string, timeoutMs: number): Promise<ChildMessage>;
  /** Every message received so far of this type. */
  received(type: string): ChildMessage[];
  send(message: ChildMessage): void;
  /** Sends `message` and waits for the next `replyType` message that arrives after it. */
  request(message: ChildMessage, replyType: string, timeoutMs: number): Promise<ChildMessage>;
  /** Last lines the child wrote that were not messages (its stderr and stray logs), for error reports. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildOptions {
  name: string;
  /** Path of the .ts entry, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** How long to wait for the child's `{type: 'ready'}` message. */
  readyTimeoutMs?: number;
}

export async function startChild(options: ChildOptions): Promise<BenchChild> {
  installExitHook();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', path.join(repoRoot, options.entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));

  const messages: ChildMessage[] = [];
  const waiters: { type: string; resolve: (message: ChildMessage) => void }[] = [];
  const tail: string[] = [];
  const remember = (line: string): void => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const message = parseMessage(line);
    if (!message) return remember(line);
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.type === message.type)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  readline.createInterface({ input: child.stderr }).on('line', remember);

  const waitFor = (type: string, timeoutMs: number, skip: number): Promise<ChildMessage> => {
    const seen = messages.filter((m) => m.type === type)[skip];
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${options.name}: no '${type}' message within ${timeoutMs} ms; output:\n${handle.output()}`));
      }, timeoutMs);
      const onExit = (code: number | null, signal: string | null): void => {
        cleanup();
        reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before '${type}'; output:\n${handle.output()}`));
      };
      const waiter = {
        type,
        resolve: (message: ChildMessage) => {
          cleanup();
          resolve(message);
        },
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('exit', onExit);
        const at = waiters.indexOf(waiter);
        if (at >= 0) waiters.splice(at, 1);
      };
      waiters.push(waiter);
      child.once('exit', onExit);
    });
  };
  const handle: BenchChild = {
    name: options.name,
    pid: child.pid ?? -1,
    next: (type, timeoutMs) => waitFor(type, timeoutMs, 0),
    request(message, replyType, timeoutMs) {
      const reply = waitFor(replyType, timeoutMs, messages.filter((m) => m.type === replyType).length);
      handle.send(message);
      return reply;
    },
    received: (type) => messages.filter((m) => m.type === type),
    send(message) {
      if (child.stdin.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
    },
    output: () => tail.join('\n'),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  if (!child.pid) throw new Error(`${options.name}: could not spawn ${options.entry}`);
  try {
    await handle.next('ready', options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await handle.stop(1000);
    throw err;
  }
  return handle;
}

function parseMessage(line: string): ChildMessage | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as ChildMessage).type === 'string' ? (value as ChildMessage) : undefined;
  } catch {
    return undefined;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous. A parent killed outright runs none: then each child notices its
  // stdin closing and exits on its own (see child-entry.ts).
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}
