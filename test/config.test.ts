import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { defaultPriceTable, type PriceTable } from '../src/shared/pricing';

/** The ConfigError loadConfig throws for env, or a test failure when it throws none or another kind. */
function configErrorFor(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const defaults: Config = {
  port: 3000,
  host: '127.0.0.1',
  apiToken: undefined,
  temporal: { address: undefined, namespace: 'default', taskQueue: 'toolstream', connection: { address: undefined, apiKey: undefined, tls: undefined, metadata: undefined } },
  anthropic: { apiKey: undefined, baseUrl: undefined },
  model: 'claude-sonnet-5-5',
  dataDir: path.resolve('data'),
  workspaceDir: path.resolve('data', 'workspaces'),
  testTools: false,
  textBatchMs: 100,
  textSignalsPerSecond: 20,
  maxConcurrentActivities: 1000,
  eventBufferSize: 1000,
  maxIterations: 25,
  maxFileBytes: 1024 * 1024,
  streamIdleTimeoutMs: 60_000,
  toolDecisionTimeoutMs: 0,
  blockedTimeoutMs: 24 * 60 * 60 * 1000,
  continueAsNewAfterEvents: 10_000,
  toolDispatch: 'incremental',
  prices: defaultPriceTable,
  store: { kind: 'fs', dir: path.resolve('data', 'store') },
  claimCheck: { enabled: true, thresholdBytes: 128 * 1024 },
  payloadLimitBytes: 2 * 1024 * 1024,
  shutdownGraceMs: 30_000,
  logLevel: 'info',
  corsOrigins: [],
  maxActiveGenerations: undefined,
  workerMetricsPort: undefined,
};

let tempDir: string;

beforeAll(() => {
  tempDir = mkdtempSync(path.join(tmpdir(), 'toolstream-config-'));
});

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

function tempFile(name: string, content: string): string {
  const file = path.join(tempDir, name);
  writeFileSync(file, content);
  return file;
}

describe('defaults', () => {
  test('an empty environment gives the documented defaults', () => {
    expect(loadConfig({})).toEqual(defaults);
  });

  test('variables set to the empty string count as unset', () => {
    const empty = Object.fromEntries(
      [
        'PORT',
        'HOST',
        'TEMPORAL_ADDRESS',
        'ANTHROPIC_API_KEY',
        'ANTHROPIC_BASE_URL',
        'TOOLSTREAM_TEST_TOOLS',
        'TOOLSTREAM_EVENT_BUFFER',
        'TOOLSTREAM_TEXT_BATCH_MS',
        'TOOLSTREAM_WORKSPACE_DIR',
        'TOOLSTREAM_PRICES_FILE',
      ].map((name) => [name, '']),
    );
    expect(loadConfig(empty)).toEqual(defaults);
  });

  test('unrelated variables are ignored', () => {
    expect(loadConfig({ PATH: '/usr/bin', NODE_ENV: 'test' })).toEqual(defaults);
  });
});

describe('valid values', () => {
  test('every variable is read into its field', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      TOOLSTREAM_API_TOKEN: 'tok-123',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TOOLSTREAM_TASK_QUEUE: 'gen',
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:4010',
      TOOLSTREAM_MODEL: 'claude-opus-5',
      TOOLSTREAM_DATA_DIR: 'var/ts',
      TOOLSTREAM_WORKSPACE_DIR: '/srv/ws',
      TOOLSTREAM_TEST_TOOLS: '1',
      TOOLSTREAM_TEXT_BATCH_MS: '50',
      TOOLSTREAM_TEXT_SIGNALS_PER_SECOND: '40',
      TOOLSTREAM_MAX_CONCURRENT_ACTIVITIES: '300',
      TOOLSTREAM_EVENT_BUFFER: '20',
      TOOLSTREAM_MAX_ITERATIONS: '3',
      TOOLSTREAM_MAX_FILE_BYTES: '4096',
      TOOLSTREAM_STREAM_IDLE_TIMEOUT: '5000',
    });
    expect(config).toEqual({
      ...defaults,
      port: 8080,
      host: '0.0.0.0',
      apiToken: 'tok-123',
      temporal: { address: 'temporal.internal:7233', namespace: 'prod', taskQueue: 'gen', connection: { address: 'temporal.internal:7233', apiKey: undefined, tls: undefined, metadata: undefined } },
      anthropic: { apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:4010' },
      model: 'claude-opus-5',
      dataDir: path.resolve('var/ts'),
      workspaceDir: path.resolve('/srv/ws'),
      testTools: true,
      textBatchMs: 50,
      textSignalsPerSecond: 40,
      maxConcurrentActivities: 300,
      eventBufferSize: 20,
      maxIterations: 3,
      maxFileBytes: 4096,
      streamIdleTimeoutMs: 5000,
      store: { kind: 'fs', dir: path.resolve('var/ts', 'store') },
    });
  });

  test('the workspace directory defaults to workspaces/ inside the data directory', () => {
    expect(loadConfig({ TOOLSTREAM_DATA_DIR: '/tmp/ts-data' }).workspaceDir).toBe(path.resolve('/tmp/ts-data/workspaces'));
  });

  test.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('TOOLSTREAM_TEST_TOOLS=%s is %p', (raw, value) => {
    expect(loadConfig({ TOOLSTREAM_TEST_TOOLS: raw }).testTools).toBe(value);
  });

  test('PORT 0 (any free port) and 65535 are accepted', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });
});

describe('invalid values name the variable', () => {
  test.each([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['TEMPORAL_ADDRESS', 'nohostport'],
    ['TEMPORAL_ADDRESS', 'localhost:'],
    ['ANTHROPIC_BASE_URL', 'not a url'],
    ['TOOLSTREAM_TEST_TOOLS', 'maybe'],
    ['TOOLSTREAM_TEST_TOOLS', 'yes'],
    ['TOOLSTREAM_EVENT_BUFFER', '0'],
    ['TOOLSTREAM_EVENT_BUFFER', '100001'],
    ['TOOLSTREAM_TEXT_BATCH_MS', '-1'],
    ['TOOLSTREAM_TEXT_BATCH_MS', '10001'],
    ['TOOLSTREAM_TEXT_SIGNALS_PER_SECOND', '0'],
    ['TOOLSTREAM_MAX_CONCURRENT_ACTIVITIES', '1.5'],
    ['TOOLSTREAM_MAX_ITERATIONS', '1001'],
    ['TOOLSTREAM_MAX_FILE_BYTES', 'lots'],
    ['TOOLSTREAM_STREAM_IDLE_TIMEOUT', '0'],
  ])('%s=%p', (name, raw) => {
    const err = configErrorFor({ [name]: raw });
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(new RegExp(`^Invalid configuration: ${name} `));
    // The offending value is quoted back, so the operator sees what was read.
    expect(err.message).toContain(JSON.stringify(raw));
  });

  test('TEMPORAL_ADDRESS says what shape it wants', () => {
    expect(configErrorFor({ TEMPORAL_ADDRESS: 'nohostport' }).message).toContain('must be host:port');
  });

  test('one invalid variable fails start-up even when the others are valid', () => {
    expect(configErrorFor({ PORT: '8080', TOOLSTREAM_EVENT_BUFFER: '0' }).message).toContain('TOOLSTREAM_EVENT_BUFFER');
  });
});

describe('secrets', () => {
  test('an empty TOOLSTREAM_API_TOKEN is refused rather than read as "no authentication"', () => {
    expect(configErrorFor({ TOOLSTREAM_API_TOKEN: '' }).message).toMatch(/^Invalid configuration: TOOLSTREAM_API_TOKEN must not be empty/);
  });

  test('a token that cannot travel in a header is refused without being quoted back', () => {
    const token = 'my secret token';
    const err = configErrorFor({ TOOLSTREAM_API_TOKEN: token });
    expect(err.message).toMatch(/^Invalid configuration: TOOLSTREAM_API_TOKEN must be printable ASCII without spaces/);
    expect(err.message).not.toContain('secret');
    expect(configErrorFor({ TOOLSTREAM_API_TOKEN: 'tøken' }).message).not.toContain('tøken');
  });

  test('any printable ASCII token is accepted', () => {
    const token = '!"#$%&\'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~';
    expect(loadConfig({ TOOLSTREAM_API_TOKEN: token }).apiToken).toBe(token);
  });
});

describe('TOOLSTREAM_PRICES_FILE', () => {
  const custom: PriceTable = {
    asOf: '2026-02-02',
    source: 'negotiated rate card',
    models: { 'claude-sonnet-5-5': { input: 1.5, output: 7.5, cacheWrite5m: 1.875, cacheRead: 0.15 } },
  };

  test('a valid table replaces the default prices', () => {
    const file = tempFile('prices.json', JSON.stringify(custom));
    expect(loadConfig({ TOOLSTREAM_PRICES_FILE: file }).prices).toEqual(custom);
  });

  test('a file that is not JSON is rejected naming the variable', () => {
    const file = tempFile('broken.json', '{"asOf": "2026-02-02",');
    const err = configErrorFor({ TOOLSTREAM_PRICES_FILE: file });
    expect(err.message).toMatch(/^Invalid configuration: TOOLSTREAM_PRICES_FILE could not be read as JSON/);
  });

  test('a missing file is rejected naming the variable', () => {
    const err = configErrorFor({ TOOLSTREAM_PRICES_FILE: path.join(tempDir, 'does-not-exist.json') });
    expect(err.message).toMatch(/^Invalid configuration: TOOLSTREAM_PRICES_FILE /);
  });

  test.each([
    ['a negative price', { ...custom, models: { m: { input: -1, output: 1, cacheWrite5m: 1, cacheRead: 1 } } }, 'models.m.input'],
    ['a model without a cache price', { ...custom, models: { m: { input: 1, output: 1, cacheWrite5m: 1 } } }, 'models.m.cacheRead'],
    ['a missing source', { asOf: custom.asOf, models: custom.models }, 'source'],
  ])('JSON that is not a price table (%s) is rejected naming the variable and the field', (_label, table, field) => {
    const file = tempFile('wrong-shape.json', JSON.stringify(table));
    const err = configErrorFor({ TOOLSTREAM_PRICES_FILE: file });
    expect(err.message).toMatch(/^Invalid configuration: TOOLSTREAM_PRICES_FILE is not a price table: /);
    expect(err.message).toContain(`${field}:`);
  });
});

describe('storage variables', () => {
  test('the store defaults to data/store and follows TOOLSTREAM_DATA_DIR or TOOLSTREAM_STORE_DIR', () => {
    expect(loadConfig({ TOOLSTREAM_DATA_DIR: '/tmp/ts-data' }).store).toEqual({ kind: 'fs', dir: '/tmp/ts-data/store' });
    expect(loadConfig({ TOOLSTREAM_STORE_DIR: '/tmp/elsewhere' }).store).toEqual({ kind: 'fs', dir: '/tmp/elsewhere' });
  });

  test('s3 needs a bucket and takes endpoint, prefix, region and path style', () => {
    expect(configErrorFor({ TOOLSTREAM_STORE: 's3' }).message).toMatch(/TOOLSTREAM_S3_BUCKET must be set when TOOLSTREAM_STORE=s3/);
    expect(loadConfig({ TOOLSTREAM_STORE: 's3', TOOLSTREAM_S3_BUCKET: 'gens', TOOLSTREAM_S3_ENDPOINT: 'http://127.0.0.1:9000' }).store).toEqual({
      kind: 's3',
      bucket: 'gens',
      prefix: 'toolstream/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      createBucket: false,
    });
    const aws = loadConfig({ TOOLSTREAM_STORE: 's3', TOOLSTREAM_S3_BUCKET: 'gens', TOOLSTREAM_S3_PREFIX: 'a/b/', TOOLSTREAM_S3_REGION: 'eu-west-1' }).store;
    expect(aws).toMatchObject({ prefix: 'a/b/', region: 'eu-west-1', forcePathStyle: false, endpoint: undefined });
    expect(configErrorFor({ TOOLSTREAM_STORE: 's3', TOOLSTREAM_S3_BUCKET: 'gens', TOOLSTREAM_S3_PREFIX: 'no-slash' }).message).toMatch(/TOOLSTREAM_S3_PREFIX/);
    expect(configErrorFor({ TOOLSTREAM_STORE: 'gcs' }).message).toMatch(/TOOLSTREAM_STORE/);
  });

  test('the claim check can be switched off and its threshold set', () => {
    expect(loadConfig({ TOOLSTREAM_CLAIM_CHECK: 'off', TOOLSTREAM_CLAIM_CHECK_THRESHOLD: '65536' }).claimCheck).toEqual({ enabled: false, thresholdBytes: 65536 });
    expect(configErrorFor({ TOOLSTREAM_CLAIM_CHECK: 'maybe' }).message).toMatch(/TOOLSTREAM_CLAIM_CHECK/);
    expect(configErrorFor({ TOOLSTREAM_CLAIM_CHECK_THRESHOLD: '10' }).message).toMatch(/TOOLSTREAM_CLAIM_CHECK_THRESHOLD/);
    expect(loadConfig({ TOOLSTREAM_PAYLOAD_LIMIT: '1000000' }).payloadLimitBytes).toBe(1_000_000);
  });
});

describe('operating variables', () => {
  test('LOG_LEVEL, TOOLSTREAM_CORS_ORIGINS, TOOLSTREAM_MAX_ACTIVE_GENERATIONS, TOOLSTREAM_WORKER_METRICS_PORT', () => {
    const config = loadConfig({
      LOG_LEVEL: 'debug',
      TOOLSTREAM_CORS_ORIGINS: 'https://a.example, https://b.example',
      TOOLSTREAM_MAX_ACTIVE_GENERATIONS: '50',
      TOOLSTREAM_WORKER_METRICS_PORT: '9464',
    });
    expect([config.logLevel, config.corsOrigins, config.maxActiveGenerations, config.workerMetricsPort]).toEqual(['debug', ['https://a.example', 'https://b.example'], 50, 9464]);
    expect(loadConfig({ TOOLSTREAM_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  test.each([
    ['LOG_LEVEL', 'loud'],
    ['TOOLSTREAM_CORS_ORIGINS', 'not an origin'],
    ['TOOLSTREAM_MAX_ACTIVE_GENERATIONS', '0'],
    ['TOOLSTREAM_WORKER_METRICS_PORT', '70000'],
  ])('%s=%s is refused naming the variable', (name, value) => {
    expect(configErrorFor({ [name]: value }).message).toContain(name);
  });
});
