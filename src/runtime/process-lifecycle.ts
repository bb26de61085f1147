import { ConfigError, loadConfig, type Config } from '../config';

export type StopStep = () => Promise<void>;

/** The config from the environment; a bad value ends the process with the message naming the variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * On SIGINT or SIGTERM runs the steps in order (a failing step is logged and the rest still run),
 * then exits. A second signal while stopping is ignored rather than cutting the shutdown short.
 */
export function stopOnSignals(steps: readonly StopStep[]): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    for (const step of steps) await step().catch((err: unknown) => console.error('shutdown step failed', err));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Runs an entry point; a start-up failure ends the process with its message and code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
