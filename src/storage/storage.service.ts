import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { NotFoundError, PayloadTooLargeError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { FILE_STORE, FileNotFoundError } from './file-store';
import type { FileStore, PresignedReadOptions } from './file-store';
import { bodyOf, byteSizeOf, type FileSource } from './file-source';
import { assertStorageKey, newStorageKey } from './storage-keys';

/**
 * Asset bytes behind the injected FileStore (local disk under STORAGE_DIR unless a host provides another).
 * Keys are generated here, never taken from a client, and checked on every read and delete. Keeping a
 * record of failed deletions to retry them is the asset library's business (assets/file-deletions.ts).
 */
@Injectable()
export class StorageService {
  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    private readonly config: EngineConfig,
  ) {}

  /** Refuses bytes over STORAGE_MAX_FILE_BYTES (413), before anything is recorded or written for them. */
  assertFits(source: FileSource): void {
    const size = byteSizeOf(source);
    if (size > this.config.storage.maxFileBytes) throw fileTooLarge(this.config.storage.maxFileBytes, size);
  }

  /** Stores bytes under a new server-generated key `<yyyy>/<mm>/<uuid>.<extension>`. */
  async put(bytes: Buffer, options: { extension: string; sha256?: string }): Promise<{ key: string }> {
    const key = newStorageKey(options.extension);
    await this.writeAt(key, bytes, options);
    return { key };
  }

  /**
   * Stores bytes under `key`, a key of newStorageKey that the caller reserved (the asset library records it
   * first); a file on disk goes to the store as a stream.
   */
  async writeAt(key: string, source: FileSource, options: { sha256?: string } = {}): Promise<void> {
    assertStorageKey(key);
    this.assertFits(source);
    await this.store.write(key, bodyOf(source), { sha256: options.sha256, byteSize: byteSizeOf(source) });
  }

  async read(key: string): Promise<Buffer> {
    assertStorageKey(key);
    return this.store.read(key).catch(this.toNotFound);
  }

  async createReadStream(key: string): Promise<Readable> {
    assertStorageKey(key);
    return this.store.openReadStream(key).catch(this.toNotFound);
  }

  /** Whether links to files are the store's own presigned URLs: a store that gives them, S3_SIGNED_LINKS=presigned. */
  get presignsLinks(): boolean {
    return this.store.presignRead !== undefined && this.config.storage.s3.signedLinks === 'presigned';
  }

  /** A presigned GET of the file (only where presignsLinks). */
  presignedReadUrl(key: string, options: PresignedReadOptions): Promise<string> {
    assertStorageKey(key);
    if (!this.store.presignRead) throw new Error('This file store gives no presigned links');
    return this.store.presignRead(key, options);
  }

  /** Deletes the file; deleting a missing one succeeds, any other failure is thrown. */
  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    await this.store.remove(key);
  }

  private readonly toNotFound = (error: unknown): never => {
    if (error instanceof FileNotFoundError) throw new NotFoundError('Stored file');
    throw error;
  };
}

/** The 413 of a file over STORAGE_MAX_FILE_BYTES; without `size` (the rest was never read) it says "more than". */
export function fileTooLarge(limit: number, size?: number): PayloadTooLargeError {
  const length = size === undefined ? `more than ${limit}` : String(size);
  return new PayloadTooLargeError(`File is ${length} bytes; the limit is ${limit} (STORAGE_MAX_FILE_BYTES)`);
}
