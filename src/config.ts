import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { ToolDispatch } from './shared/generation';
import { logLevels, type LogLevel } from './observability/logger';
import { temporalConnectionFromEnv, type TemporalConnection } from './temporal/connection-config';
import { defaultPriceTable, type PriceTable } from './shared/pricing';

export interface Config {
  port: number;
  host: string;
  /** When set, every /v1 request must carry `Authorization: Bearer <apiToken>`. */
  apiToken: string | undefined;
  /**
   * Where Temporal is and how to reach it (TLS, API key, profile), read by the SDK's envconfig from
   * TEMPORAL_* variables and the optional TOML profile file; no address means `npm start` runs its own dev server.
   */
  temporal: { address: string | undefined; namespace: string; taskQueue: string; connection: TemporalConnection };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
  model: string;
  dataDir: string;
  workspaceDir: string;
  testTools: boolean;
  textBatchMs: number;
  /** Text signals per second one worker's streams may send together; more streams stretch each one's window. */
  textSignalsPerSecond: number;
  maxConcurrentActivities: number;
  eventBufferSize: number;
  maxIterations: number;
  maxFileBytes: number;
  streamIdleTimeoutMs: number;
  toolDecisionTimeoutMs: number;
  blockedTimeoutMs: number;
  continueAsNewAfterEvents: number;
  toolDispatch: ToolDispatch;
  prices: PriceTable;
  /** Where a generation's data lives outside Temporal: claim-checked payloads, conversations, archived logs. */
  store: StoreConfig;
  /** Temporal's External Storage: payloads above the threshold go to the store, history keeps a reference. */
  claimCheck: { enabled: boolean; thresholdBytes: number };
  /** The largest payload Temporal accepts (its blob size limit): what we check against when the claim check is off. */
  payloadLimitBytes: number;
  /** On SIGTERM: how long a worker lets running streams and tools finish, and the API its open requests and streams. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** Origins allowed to call the API from a browser; empty: no CORS. */
  corsOrigins: string[];
  /** POST /v1/generations answers 429 while this many run; undefined: no limit. */
  maxActiveGenerations: number | undefined;
  /** Where the worker serves Prometheus metrics (Temporal's runtime metrics and ours); undefined: not served. */
  workerMetricsPort: number | undefined;
}

export type StoreConfig =
  | { kind: 'fs'; dir: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint: string | undefined; region: string; forcePathStyle: boolean; createBucket: boolean };

export { ConfigError };

const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z.enum(['0', '1', 'true', 'false']).transform((value) => value === '1' || value === 'true');

/** Each variable, its parser and default. A bad value fails start-up with a message naming the variable. */
const variables = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  TOOLSTREAM_API_TOKEN: z
    .string()
    .min(1, 'must not be empty; unset it to serve the API without authentication')
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces, as it travels in an HTTP header')
    .optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TOOLSTREAM_TASK_QUEUE: z.string().min(1).default('toolstream'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  TOOLSTREAM_MODEL: z.string().min(1).default('claude-sonnet-5-5'),
  TOOLSTREAM_DATA_DIR: z.string().min(1).default('./data'),
  TOOLSTREAM_WORKSPACE_DIR: z.string().min(1).optional(),
  TOOLSTREAM_TEST_TOOLS: booleanFlag.default(false),
  TOOLSTREAM_TEXT_BATCH_MS: positiveInt.max(10_000).default(100),
  TOOLSTREAM_TEXT_SIGNALS_PER_SECOND: positiveInt.max(100_000).default(20),
  TOOLSTREAM_MAX_CONCURRENT_ACTIVITIES: positiveInt.max(100_000).default(1000),
  TOOLSTREAM_EVENT_BUFFER: positiveInt.max(100_000).default(1000),
  TOOLSTREAM_MAX_ITERATIONS: positiveInt.max(1000).default(25),
  TOOLSTREAM_MAX_FILE_BYTES: positiveInt.default(1024 * 1024),
  TOOLSTREAM_STREAM_IDLE_TIMEOUT: positiveInt.default(60_000),
  TOOLSTREAM_TOOL_DECISION_TIMEOUT: z.coerce.number().int().min(0).default(0),
  TOOLSTREAM_BLOCKED_TIMEOUT: positiveInt.default(24 * 60 * 60 * 1000),
  TOOLSTREAM_CONTINUE_AS_NEW_EVENTS: positiveInt.min(100).default(10_000),
  TOOLSTREAM_TOOL_DISPATCH: z.enum([ToolDispatch.incremental, ToolDispatch.afterStream]).default(ToolDispatch.incremental),
  TOOLSTREAM_PRICES_FILE: z.string().min(1).optional(),
  TOOLSTREAM_STORE: z.enum(['fs', 's3']).default('fs'),
  TOOLSTREAM_STORE_DIR: z.string().min(1).optional(),
  TOOLSTREAM_S3_BUCKET: z.string().min(3).max(63).optional(),
  TOOLSTREAM_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'must be empty or path segments each ending in "/"')
    .default('toolstream/'),
  TOOLSTREAM_S3_ENDPOINT: z.url().optional(),
  TOOLSTREAM_S3_REGION: z.string().min(1).default('us-east-1'),
  TOOLSTREAM_S3_FORCE_PATH_STYLE: booleanFlag.optional(),
  TOOLSTREAM_S3_CREATE_BUCKET: booleanFlag.default(false),
  TOOLSTREAM_CLAIM_CHECK: z.enum(['on', 'off']).default('on'),
  TOOLSTREAM_CLAIM_CHECK_THRESHOLD: positiveInt.min(1024).default(128 * 1024),
  TOOLSTREAM_PAYLOAD_LIMIT: positiveInt.default(2 * 1024 * 1024),
  TOOLSTREAM_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TOOLSTREAM_CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin.length > 0))
    .pipe(z.array(z.union([z.literal('*'), z.url()])))
    .default([]),
  TOOLSTREAM_MAX_ACTIVE_GENERATIONS: positiveInt.optional(),
  TOOLSTREAM_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
} as const;

/**
 * An empty token must not silently turn authentication off (as an empty value of an unset CI
 * secret would); everywhere else an empty variable counts as unset.
 */
const emptyIsAnError: ReadonlySet<string> = new Set(['TOOLSTREAM_API_TOKEN']);
/** Never quoted back in an error message: start-up output ends up in logs. */
const secretVariables: ReadonlySet<string> = new Set(['TOOLSTREAM_API_TOKEN', 'ANTHROPIC_API_KEY', 'TEMPORAL_API_KEY']);

type Variables = { [K in keyof typeof variables]: z.output<(typeof variables)[K]> };

const priceTableSchema = z.object({
  asOf: z.string().min(1),
  source: z.string().min(1),
  models: z.record(
    z.string(),
    z.object({ input: z.number().nonnegative(), output: z.number().nonnegative(), cacheWrite5m: z.number().nonnegative(), cacheRead: z.number().nonnegative() }),
  ),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const vars = parseVariables(env);
  const dataDir = path.resolve(vars.TOOLSTREAM_DATA_DIR);
  const temporal = temporalConnectionFromEnv(env);
  return {
    port: vars.PORT,
    host: vars.HOST,
    apiToken: vars.TOOLSTREAM_API_TOKEN,
    temporal: { ...temporal, taskQueue: vars.TOOLSTREAM_TASK_QUEUE },
    anthropic: { apiKey: vars.ANTHROPIC_API_KEY, baseUrl: vars.ANTHROPIC_BASE_URL },
    model: vars.TOOLSTREAM_MODEL,
    dataDir,
    workspaceDir: path.resolve(vars.TOOLSTREAM_WORKSPACE_DIR ?? path.join(dataDir, 'workspaces')),
    testTools: vars.TOOLSTREAM_TEST_TOOLS,
    textBatchMs: vars.TOOLSTREAM_TEXT_BATCH_MS,
    textSignalsPerSecond: vars.TOOLSTREAM_TEXT_SIGNALS_PER_SECOND,
    maxConcurrentActivities: vars.TOOLSTREAM_MAX_CONCURRENT_ACTIVITIES,
    eventBufferSize: vars.TOOLSTREAM_EVENT_BUFFER,
    maxIterations: vars.TOOLSTREAM_MAX_ITERATIONS,
    maxFileBytes: vars.TOOLSTREAM_MAX_FILE_BYTES,
    streamIdleTimeoutMs: vars.TOOLSTREAM_STREAM_IDLE_TIMEOUT,
    toolDecisionTimeoutMs: vars.TOOLSTREAM_TOOL_DECISION_TIMEOUT,
    blockedTimeoutMs: vars.TOOLSTREAM_BLOCKED_TIMEOUT,
    continueAsNewAfterEvents: vars.TOOLSTREAM_CONTINUE_AS_NEW_EVENTS,
    toolDispatch: vars.TOOLSTREAM_TOOL_DISPATCH,
    prices: vars.TOOLSTREAM_PRICES_FILE ? loadPriceTable(vars.TOOLSTREAM_PRICES_FILE) : defaultPriceTable,
    store: storeConfig(vars, dataDir),
    claimCheck: { enabled: vars.TOOLSTREAM_CLAIM_CHECK === 'on', thresholdBytes: vars.TOOLSTREAM_CLAIM_CHECK_THRESHOLD },
    payloadLimitBytes: vars.TOOLSTREAM_PAYLOAD_LIMIT,
    shutdownGraceMs: vars.TOOLSTREAM_SHUTDOWN_GRACE_MS,
    logLevel: vars.LOG_LEVEL,
    corsOrigins: vars.TOOLSTREAM_CORS_ORIGINS,
    maxActiveGenerations: vars.TOOLSTREAM_MAX_ACTIVE_GENERATIONS,
    workerMetricsPort: vars.TOOLSTREAM_WORKER_METRICS_PORT,
  };
}

function storeConfig(vars: Variables, dataDir: string): StoreConfig {
  if (vars.TOOLSTREAM_STORE === 'fs') return { kind: 'fs', dir: path.resolve(vars.TOOLSTREAM_STORE_DIR ?? path.join(dataDir, 'store')) };
  if (vars.TOOLSTREAM_S3_BUCKET === undefined) throw new ConfigError('TOOLSTREAM_S3_BUCKET', 'must be set when TOOLSTREAM_STORE=s3');
  return {
    kind: 's3',
    bucket: vars.TOOLSTREAM_S3_BUCKET,
    prefix: vars.TOOLSTREAM_S3_PREFIX,
    endpoint: vars.TOOLSTREAM_S3_ENDPOINT,
    region: vars.TOOLSTREAM_S3_REGION,
    // S3-compatible servers (MinIO, moto) are addressed by path; AWS itself by virtual host.
    forcePathStyle: vars.TOOLSTREAM_S3_FORCE_PATH_STYLE ?? vars.TOOLSTREAM_S3_ENDPOINT !== undefined,
    createBucket: vars.TOOLSTREAM_S3_CREATE_BUCKET,
  };
}

function parseVariables(env: NodeJS.ProcessEnv): Variables {
  const parsed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(variables)) {
    const raw = env[name] === '' && !emptyIsAnError.has(name) ? undefined : env[name];
    const result = (schema as z.ZodType).safeParse(raw);
    if (!result.success) {
      const got = secretVariables.has(name) ? '' : ` (got ${JSON.stringify(raw)})`;
      throw new ConfigError(name, `${result.error.issues[0]?.message ?? 'is invalid'}${got}`);
    }
    parsed[name] = result.data;
  }
  return parsed as Variables;
}

function loadPriceTable(file: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('TOOLSTREAM_PRICES_FILE', `could not be read as JSON: ${(err as Error).message}`);
  }
  const result = priceTableSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError('TOOLSTREAM_PRICES_FILE', `is not a price table: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return result.data;
}
