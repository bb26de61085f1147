import { createLogger, type LogLevel, type Logger } from '../../src/observability/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line written, as written (JSON text). */
  lines: string[];
  /** The lines parsed. */
  entries(): Record<string, unknown>[];
}

/** A real pino logger (redaction and scrubbing included) writing into memory. */
export function captureLogs(options: { level?: LogLevel; secrets?: string[] } = {}): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({
    level: options.level ?? 'debug',
    secrets: options.secrets,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
