import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Where a secret would sit in what we log: request headers, the EventSource token parameter, config objects. */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'apiKey',
  '*.apiKey',
  'anthropicApiKey',
  'apiToken',
  '*.apiToken',
];

export interface LoggerSetup {
  level: LogLevel;
  /** Values that must never reach a log line (the Anthropic key, the API token, a Temporal API key): scrubbed from every line. */
  secrets?: readonly (string | undefined)[];
  /** Defaults to stdout; tests pass a collecting stream. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ service: 'api' }`. */
  base?: Record<string, unknown>;
}

/**
 * One JSON line per entry. Known secret fields are redacted by path; on top of that every line is
 * scrubbed of the configured secret values, so a key quoted inside an error message (an upstream
 * error that echoes it) is caught too.
 */
export function createLogger(setup: LoggerSetup): Logger {
  const secrets = (setup.secrets ?? []).filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8);
  const options: LoggerOptions = {
    level: setup.level,
    base: { pid: process.pid, ...setup.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return pino(options, scrubbing(setup.destination ?? pino.destination({ dest: 1, sync: true }), secrets));
}

function scrubbing(destination: DestinationStream, secrets: readonly string[]): DestinationStream {
  if (secrets.length === 0) return destination;
  return {
    write(line: string) {
      let clean = line;
      for (const secret of secrets) if (clean.includes(secret)) clean = clean.split(secret).join('[redacted]');
      destination.write(clean);
    },
  };
}

/** A logger that writes nothing: the default where a caller passes none (unit tests, benches). */
export const silentLogger: Logger = pino({ level: 'silent' });
