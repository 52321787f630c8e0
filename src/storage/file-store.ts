import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertStorageKey, InvalidStorageKeyError } from './storage-keys';

/**
 * Where asset bytes live. The local disk store is the default; an S3-compatible store implements the same
 * four operations. Keys are already validated by StorageService; stores validate again (defence in depth).
 */
export interface FileStore {
  /**
   * Stores the bytes, given whole or as a stream (an upload is streamed from disk: a store must not collect it
   * whole in memory). `sha256` (hex) of the bytes, where the caller knows it, is kept with the object by stores
   * that can; `byteSize` is the length of a stream.
   */
  write(key: string, body: Buffer | Readable, options?: FileWriteOptions): Promise<void>;
  read(key: string): Promise<Buffer>;
  /** Resolves once the object is readable; rejects with FileNotFoundError when it does not exist. */
  openReadStream(key: string): Promise<Readable>;
  /** Deleting a missing object succeeds (deletion is retried, so it must be idempotent). */
  remove(key: string): Promise<void>;
  /** A URL that fetches the object with no other credentials, where the store can give one (S3: a presigned GET). */
  presignRead?(key: string, options: PresignedReadOptions): Promise<string>;
}

export interface FileWriteOptions {
  sha256?: string;
  byteSize?: number;
}

export interface PresignedReadOptions {
  /** The moment the link is signed at; with `expiresInSeconds` it fixes the URL, so repeated answers share it. */
  signedAt: Date;
  expiresInSeconds: number;
  /** Headers the store answers the link with. */
  contentType: string;
  cacheControl: string;
}

export const FILE_STORE = Symbol('CREATIVE_ENGINE_FILE_STORE');

export class FileNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Stored file ${key} does not exist`);
    this.name = 'FileNotFoundError';
  }
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

export class LocalDiskFileStore implements FileStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute path of a key, refusing anything that would resolve outside the root. */
  pathOf(key: string): string {
    assertStorageKey(key);
    const resolved = path.resolve(this.root, key);
    if (!resolved.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError(key);
    return resolved;
  }

  async write(key: string, body: Buffer | Readable): Promise<void> {
    const target = this.pathOf(key);
    // Write then rename, so a reader never sees a half-written file. Two stores of the same bytes may write one
    // key at once (a pending object's holder writes its bytes too): each writes a file of its own.
    const temporary = `${target}.${randomUUID()}.partial`;
    try {
      await this.writeNew(temporary, body);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * Creates the file. Keys share a directory per month, so a buffer is written first and its directory made
   * only when missing (nearly every write is spared a mkdir on the file system's threads); a stream can be
   * consumed once, so its directory is made first.
   */
  private async writeNew(file: string, body: Buffer | Readable): Promise<void> {
    const makeDirectory = () => mkdir(path.dirname(file), { recursive: true });
    if (!Buffer.isBuffer(body)) {
      await makeDirectory();
      await pipeline(body, createWriteStream(file, { flags: 'wx' }));
      return;
    }
    try {
      await writeFile(file, body, { flag: 'wx' });
    } catch (error) {
      if (!isMissing(error)) throw error;
      await makeDirectory();
      await writeFile(file, body, { flag: 'wx' });
    }
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) throw new FileNotFoundError(key);
      throw error;
    }
  }

  openReadStream(key: string): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key));
    return new Promise((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', (error) => reject(isMissing(error) ? new FileNotFoundError(key) : error));
    });
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
