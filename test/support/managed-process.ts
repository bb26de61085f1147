import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  /** Resolves once the output matches; rejects if the process exits first or the time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

/**
 * A child process the test owns: its output is kept (and shown when it dies unexpectedly), and
 * killing it waits until it is really gone, so a restart can take over its port at once.
 */
export function spawnManaged(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ManagedProcess {
  const child: ChildProcess = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let expectedExit = false;
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (!expectedExit) console.warn(`${name} (pid ${child.pid}) exited on its own: code ${code}, signal ${signal}\n${tail(output)}`);
      for (const listener of listeners) listener();
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}: ${command}`);
  const pid = child.pid;

  return {
    name,
    pid,
    output: () => output,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    waitForOutput(pattern, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(output)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${name} exited before printing ${pattern}\n${tail(output)}`));
        };
        const timer = setTimeout(() => finish(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms\n${tail(output)}`)), timeoutMs);
        const finish = (err?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal) {
      expectedExit = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exit;
    },
  };
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}
