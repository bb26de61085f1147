import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError } from '../config-error';

/** How to reach Temporal, as both the client Connection and the worker's NativeConnection take it. */
export interface TemporalConnection {
  /** host:port; undefined when neither TEMPORAL_ADDRESS nor the profile names one. */
  address: string | undefined;
  /** Temporal Cloud API key (TEMPORAL_API_KEY or the profile's api_key); implies TLS. */
  apiKey: string | undefined;
  /** mTLS and server-name settings, or true for TLS with the system roots, false/undefined for none. */
  tls: NativeConnectionOptions['tls'];
  /** Extra gRPC headers (TEMPORAL_GRPC_META_*). */
  metadata: NativeConnectionOptions['metadata'];
}

export interface TemporalSettings {
  address: string | undefined;
  namespace: string;
  connection: TemporalConnection;
}

/**
 * Temporal's connection settings through the SDK's own environment configuration (@temporalio/envconfig),
 * so toolstream reads the variables and profile files every Temporal tool reads: TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA,
 * TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA, TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME,
 * TEMPORAL_PROFILE and TEMPORAL_CONFIG_FILE (default ~/.config/temporalio/temporal.toml).
 */
export function temporalConnectionFromEnv(env: NodeJS.ProcessEnv): TemporalSettings {
  const vars = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  let loaded;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: vars });
  } catch (err) {
    throw new ConfigError(vars.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : 'TEMPORAL_PROFILE', `could not be loaded: ${(err as Error).message}`);
  }
  const options = loaded.connectionOptions;
  return {
    address: options.address,
    namespace: loaded.namespace ?? 'default',
    connection: { address: options.address, apiKey: options.apiKey as string | undefined, tls: asBuffers(options.tls), metadata: options.metadata },
  };
}

/** envconfig reads certificates as Uint8Array; the connections' TLS settings are typed (and checked) as Buffers. */
function asBuffers(tls: NativeConnectionOptions['tls']): NativeConnectionOptions['tls'] {
  if (typeof tls !== 'object' || tls === null) return tls;
  const buffer = (bytes: Uint8Array | undefined): Buffer | undefined => (bytes === undefined ? undefined : Buffer.from(bytes));
  return {
    ...tls,
    serverRootCACertificate: buffer(tls.serverRootCACertificate),
    clientCertPair: tls.clientCertPair && { crt: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) },
  };
}

/** Options for Connection.connect / NativeConnection.connect; `address` overrides (the embedded dev server's). */
export function connectionOptions(connection: TemporalConnection, address = connection.address): NativeConnectionOptions & ConnectionOptions {
  if (address === undefined) throw new Error('No Temporal address: set TEMPORAL_ADDRESS (host:port) or a profile with an address.');
  return {
    address,
    ...(connection.apiKey !== undefined && { apiKey: connection.apiKey }),
    ...(connection.tls !== undefined && { tls: connection.tls }),
    ...(connection.metadata !== undefined && { metadata: connection.metadata }),
  };
}
