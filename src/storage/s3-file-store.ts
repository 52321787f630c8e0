import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { FileNotFoundError, type FileStore, type FileWriteOptions, type PresignedReadOptions } from './file-store';
import { assertStorageKey } from './storage-keys';

/** Where an S3-compatible store keeps the files (STORAGE_DRIVER=s3 and the S3_* variables). */
export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible service (MinIO, R2 …); unset for AWS S3. */
  endpoint?: string;
  /** Where browsers reach the bucket, for presigned links; unset: `endpoint`. */
  publicEndpoint?: string;
  forcePathStyle: boolean;
  /** Unset: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  keyPrefix?: string;
  requestTimeoutMs: number;
  maxAttempts: number;
}

/** User metadata (`x-amz-meta-sha256`) holding the sha256 of an object's bytes. */
const CHECKSUM_METADATA = 'sha256';

/** Objects of at least this size go up in parts (S3's minimum part size is 5 MiB). */
const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

const isMissing = (error: unknown) =>
  error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);

/**
 * The FileStore on an S3-compatible bucket, through the AWS SDK v3: multipart uploads for large files,
 * streamed reads, the SDK's retries and a time limit per request. Every machine pointed at the bucket sees
 * the same files, so APIs and workers can run apart.
 */
export class S3FileStore implements FileStore {
  readonly client: S3Client;
  /** Signs links for browsers: a signature covers the host, so it must be the one they reach. */
  private readonly presigner: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    const config: S3ClientConfig = {
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts,
      // Options of the SDK's own Node handler.
      requestHandler: { connectionTimeout: options.requestTimeoutMs, requestTimeout: options.requestTimeoutMs },
    };
    this.client = new S3Client(config);
    this.presigner = options.publicEndpoint
      ? new S3Client({ ...config, endpoint: options.publicEndpoint })
      : this.client;
  }

  /** The object key of a storage key: the configured prefix, then the key. */
  objectKey(key: string): string {
    assertStorageKey(key);
    return `${this.options.keyPrefix ?? ''}${key}`;
  }

  async write(key: string, body: Buffer | Readable, options: FileWriteOptions = {}): Promise<void> {
    // Upload sends one PUT below the part size and a multipart upload above it (aborted on failure); a stream
    // is read one part at a time, so at most a part of it is in memory.
    await new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentLength: options.byteSize,
        Metadata: options.sha256 ? { [CHECKSUM_METADATA]: options.sha256 } : undefined,
      },
      partSize: MULTIPART_PART_BYTES,
      leavePartsOnError: false,
    }).done();
  }

  /** The sha256 the object was written with; undefined when it does not exist or was written without one. */
  async storedChecksum(key: string): Promise<string | undefined> {
    try {
      const { Metadata } = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      return Metadata?.[CHECKSUM_METADATA];
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<Buffer> {
    const stream = await this.openReadStream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async openReadStream(key: string): Promise<Readable> {
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      if (!(Body instanceof Readable)) throw new Error(`S3 returned no body for ${key}`);
      return Body;
    } catch (error) {
      if (isMissing(error)) throw new FileNotFoundError(key);
      throw error;
    }
  }

  presignRead(key: string, options: PresignedReadOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.objectKey(key),
      ResponseContentType: options.contentType,
      ResponseCacheControl: options.cacheControl,
    });
    return getSignedUrl(this.presigner, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: options.signedAt,
    });
  }

  async remove(key: string): Promise<void> {
    // S3 answers 204 for a key that does not exist, so deletion is idempotent as FileStore requires.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }
}
