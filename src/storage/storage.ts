import { ExternalStorage, type DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import type { BlobStore } from './blob-store';
import { ClaimCheckDriver } from './claim-check-driver';
import { FsBlobStore } from './fs-blob-store';
import { S3BlobStore } from './s3-blob-store';

/**
 * What every process that talks to Temporal shares: the blob store, and the data converter whose
 * claim check writes to it. Worker, API, tests and bench all build it from the same config, so a
 * payload one of them offloads, any other can read.
 */
export interface Storage {
  blobs: BlobStore;
  dataConverter: DataConverter;
  /** Set when the claim check is off: payloads above it would be refused by Temporal, so we refuse them first. */
  payloadLimitBytes: number | null;
}

export async function createStorage(config: Pick<Config, 'store' | 'claimCheck' | 'payloadLimitBytes'>): Promise<Storage> {
  const blobs = await createBlobStore(config.store);
  const dataConverter: DataConverter = config.claimCheck.enabled
    ? { externalStorage: new ExternalStorage({ drivers: [new ClaimCheckDriver(blobs)], payloadSizeThreshold: config.claimCheck.thresholdBytes }) }
    : {};
  return { blobs, dataConverter, payloadLimitBytes: config.claimCheck.enabled ? null : config.payloadLimitBytes };
}

async function createBlobStore(store: Config['store']): Promise<BlobStore> {
  if (store.kind === 'fs') return new FsBlobStore(store.dir);
  const s3 = new S3BlobStore({ bucket: store.bucket, prefix: store.prefix, endpoint: store.endpoint, region: store.region, forcePathStyle: store.forcePathStyle });
  if (store.createBucket) await s3.ensureBucket();
  return s3;
}
