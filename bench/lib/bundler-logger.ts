/** For bundleWorkflowCode: only the bundler's errors show (a module of its own, light enough for worker child processes). */
export const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
