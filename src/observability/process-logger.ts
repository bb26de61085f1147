import type { Config } from '../config';
import { createLogger, type Logger } from './logger';

/** The process's logger: LOG_LEVEL, every configured secret scrubbed from its lines. */
export function processLogger(config: Config, service: string): Logger {
  return createLogger({
    level: config.logLevel,
    base: { service },
    secrets: [config.anthropic.apiKey, config.apiToken, config.temporal.connection.apiKey],
  });
}
