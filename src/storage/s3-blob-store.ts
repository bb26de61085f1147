import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { assertValidKey, BlobNotFoundError, type BlobStore } from './blob-store';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Prepended to every key as is, so it ends with `/` (or is empty). Default `toolstream/`. */
  prefix?: string;
  /** An S3-compatible server (MinIO, moto, R2 ...); AWS itself when absent. */
  endpoint?: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Default true when `endpoint` is set: most S3-compatible servers have no per-bucket DNS names. */
  forcePathStyle?: boolean;
  /** Default: the AWS SDK's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance role ...). */
  credentials?: S3ClientConfig['credentials'];
}

/** A {@link BlobStore} in an S3 bucket, for deployments whose workers do not share a disk. */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly bucket: string;
  readonly prefix: string;
  private readonly region: string;
  private readonly client: S3Client;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? 'toolstream/';
    if (this.prefix !== '' && !this.prefix.endsWith('/')) {
      // Without the slash `toolstream` + `conv/1` silently lands under `toolstreamconv/1`.
      throw new Error(`S3 prefix "${this.prefix}" must end with "/"`);
    }
    this.region = options.region ?? 'us-east-1';
    this.client = new S3Client({
      region: this.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      credentials: options.credentials,
    });
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    // A PutObject replaces the object whole, so readers never see part of a value.
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: data }));
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!object.Body) throw new Error(`S3 returned no body for "${key}"`);
      return await object.Body.transformToByteArray();
    } catch (err) {
      // A missing bucket is a 404 too, and without s3:ListBucket S3 answers a missing key with 403:
      // both stay errors, since a misconfiguration must not look like "never written".
      if (err instanceof S3ServiceException && err.name !== 'NoSuchBucket' && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404)) {
        throw new BlobNotFoundError(key);
      }
      throw err;
    }
  }

  /** Creates the bucket unless it exists: for tests and `TOOLSTREAM_S3_CREATE_BUCKET=1`. */
  async ensureBucket(): Promise<void> {
    try {
      // Asking first lets credentials that may not create buckets use an existing one.
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!(err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) throw err;
    }
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the one region S3 rejects as an explicit location constraint.
          CreateBucketConfiguration: this.region === 'us-east-1' ? undefined : { LocationConstraint: this.region as BucketLocationConstraint },
        }),
      );
    } catch (err) {
      // Another process starting at the same time created it.
      if (err instanceof S3ServiceException && err.name === 'BucketAlreadyOwnedByYou') return;
      throw err;
    }
  }

  /** Closes the client's pooled connections. */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }
}
