import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from './logger';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger interface over pino: worker, workflow and activity log lines (and the
 * Rust core's, forwarded) become JSON lines. The SDK's metadata names the workflow and activity;
 * the generation id is the workflow id without its `gen-` prefix, and a tool's activity id is the
 * model's tool_use id, so both are added under the names the API's lines use.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = levels[level] ?? 'info';
    if (!logger.isLevelEnabled(method)) return;
    logger[method](withIds(meta), message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

function withIds(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) fields[key] = value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value;
  // `error` is the SDK's name for a failure; pino serializes `err`.
  if (fields.error !== undefined && fields.err === undefined) {
    fields.err = fields.error;
    delete fields.error;
  }
  const workflowId = fields.workflowId;
  if (typeof workflowId === 'string' && workflowId.startsWith('gen-') && fields.generationId === undefined) fields.generationId = workflowId.slice(4);
  if (fields.activityType === 'runTool' && typeof fields.activityId === 'string' && fields.toolUseId === undefined) fields.toolUseId = fields.activityId;
  return fields;
}
