import { createHash } from 'node:crypto';
import { StorageDriverClaim, type Payload, type StorageDriver } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { BlobStore } from './blob-store';

const PayloadProto = temporal.api.common.v1.Payload;

/**
 * Temporal's External Storage driver on our blob store: a payload above the threshold is written
 * once under its content hash and history keeps only the claim. Content addressing makes a retried
 * store (a workflow task or activity completion sent again) write the same key with the same bytes.
 */
export class ClaimCheckDriver implements StorageDriver {
  readonly name: string;
  readonly type: string;

  constructor(private readonly blobs: BlobStore) {
    this.name = `toolstream-${blobs.kind}`;
    this.type = `toolstream.${blobs.kind}`;
  }

  async store(_context: unknown, payloads: Payload[]): Promise<StorageDriverClaim[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const bytes = PayloadProto.encode(payload).finish();
        const key = `payloads/${createHash('sha256').update(bytes).digest('hex')}`;
        await this.blobs.put(key, bytes);
        return new StorageDriverClaim({ key });
      }),
    );
  }

  async retrieve(_context: unknown, claims: StorageDriverClaim[]): Promise<Payload[]> {
    return Promise.all(
      claims.map(async (claim) => {
        const key = claim.claimData.key;
        if (typeof key !== 'string') throw new Error('A claim-check reference without a key');
        return PayloadProto.decode(await this.blobs.get(key)) as Payload;
      }),
    );
  }
}
