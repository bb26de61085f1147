import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { connectionOptions, temporalConnectionFromEnv } from '../../src/temporal/connection-config';

let dir: string;
let cert: string;
let key: string;
let profiles: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'toolstream-envconfig-'));
  cert = path.join(dir, 'client.pem');
  key = path.join(dir, 'client.key');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n');
  writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
  profiles = path.join(dir, 'temporal.toml');
  writeFileSync(
    profiles,
    [
      '[profile.default]',
      'address = "localhost:7233"',
      '',
      '[profile.cloud]',
      'address = "my-ns.a1b2c.tmprl.cloud:7233"',
      'namespace = "my-ns.a1b2c"',
      '[profile.cloud.tls]',
      `client_cert_path = "${cert}"`,
      `client_key_path = "${key}"`,
      'server_name = "my-ns.a1b2c.tmprl.cloud"',
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No profile file: what the environment alone says. */
const bare = { TEMPORAL_CONFIG_FILE: path.join(tmpdirSafe(), 'absent.toml') };
function tmpdirSafe(): string {
  return tmpdir();
}

test('nothing set: no address (npm start runs its own dev server), namespace default, no TLS', () => {
  const settings = temporalConnectionFromEnv(bare);
  expect(settings).toEqual({ address: undefined, namespace: 'default', connection: { address: undefined, apiKey: undefined, tls: undefined, metadata: undefined } });
  expect(loadConfig(bare).temporal.address).toBeUndefined();
});

test('TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE as before', () => {
  const config = loadConfig({ ...bare, TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_NAMESPACE: 'gens' });
  expect(config.temporal.address).toBe('temporal.internal:7233');
  expect(config.temporal.namespace).toBe('gens');
  expect(connectionOptions(config.temporal.connection)).toEqual({ address: 'temporal.internal:7233' });
});

test('Temporal Cloud with an API key: TLS on, the key passed to the connection', () => {
  const settings = temporalConnectionFromEnv({ ...bare, TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: 'my-ns.a1b2c', TEMPORAL_API_KEY: 'cloud-key-123456' });
  expect(settings.namespace).toBe('my-ns.a1b2c');
  expect(connectionOptions(settings.connection)).toEqual({ address: 'us-east-1.aws.api.temporal.io:7233', apiKey: 'cloud-key-123456', tls: true });
});

test('mTLS from variables: certificate and key files, server name', () => {
  const settings = temporalConnectionFromEnv({
    ...bare,
    TEMPORAL_ADDRESS: 'temporal.internal:7233',
    TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: key,
    TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
  });
  const tls = settings.connection.tls as { serverNameOverride?: string; clientCertPair?: { crt: Buffer; key: Buffer } };
  expect(tls.serverNameOverride).toBe('temporal.internal');
  expect(tls.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE');
  expect(tls.clientCertPair?.key.toString()).toContain('BEGIN PRIVATE KEY');
});

test('a profile from TEMPORAL_CONFIG_FILE chosen by TEMPORAL_PROFILE; variables override it', () => {
  const cloud = temporalConnectionFromEnv({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' });
  expect(cloud.address).toBe('my-ns.a1b2c.tmprl.cloud:7233');
  expect(cloud.namespace).toBe('my-ns.a1b2c');
  expect((cloud.connection.tls as { serverNameOverride?: string }).serverNameOverride).toBe('my-ns.a1b2c.tmprl.cloud');
  expect(temporalConnectionFromEnv({ TEMPORAL_CONFIG_FILE: profiles }).address).toBe('localhost:7233');
  expect(temporalConnectionFromEnv({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'other' }).namespace).toBe('other');
});

test('gRPC metadata from TEMPORAL_GRPC_META_*', () => {
  const settings = temporalConnectionFromEnv({ ...bare, TEMPORAL_ADDRESS: 'h:1', TEMPORAL_GRPC_META_X_TENANT: 'blue' });
  expect(connectionOptions(settings.connection).metadata).toEqual({ 'x-tenant': 'blue' });
});

test('an unreadable profile file or unknown profile fails start-up naming the variable', () => {
  expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'nope' })).toThrow(/TEMPORAL_/);
  expect(() => loadConfig({ TEMPORAL_API_KEY: 'secret-key-value-1' , TEMPORAL_ADDRESS: 'bad address' })).toThrow(/TEMPORAL_ADDRESS/);
});
