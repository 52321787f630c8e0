import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineConfig } from '../config/engine-config';
import type { FileOnDisk } from '../storage/file-source';
import { fileTooLarge } from '../storage/storage.service';

/** A file of POST /assets/upload as the spool hands it over: on disk, measured while it arrived. */
export interface SpooledUpload extends FileOnDisk {
  /** The name the client gave it. */
  originalname: string;
}

/** What multer hands a storage engine for each file part. */
interface IncomingPart {
  stream: Readable;
}

type SpoolCallback = (error: unknown, info?: FileOnDisk) => void;

/** STORAGE_UPLOAD_SPOOL_DIR, or a folder of the OS's temporary directory. */
export const uploadSpoolDirectory = (config: EngineConfig): string =>
  config.storage.uploadSpoolDir ?? path.join(os.tmpdir(), 'creative-engine-uploads');

/** Counts and hashes the bytes going through; past `maxBytes` it fails with the 413, before they go further. */
class UploadMeter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(fileTooLarge(this.maxBytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * multer's storage engine for uploads: each file goes to its own file in a private folder as it arrives,
 * counted and hashed on the way, so no upload is ever held whole in memory. Past STORAGE_MAX_FILE_BYTES the
 * write stops and the partial file is deleted before multer answers 413 (it reads the rest of the body and
 * discards it, so the client gets the answer, not a broken pipe). multer removes the file of a request that
 * fails or is aborted (`_removeFile`); AssetUploadsService removes it once it has stored or refused it.
 */
export class UploadSpool {
  constructor(
    private readonly directory: string,
    private readonly maxBytes: number,
  ) {}

  _handleFile(_request: unknown, part: IncomingPart, callback: SpoolCallback): void {
    this.receive(part.stream).then((file) => callback(null, file), callback);
  }

  _removeFile(_request: unknown, file: Partial<FileOnDisk>, callback: (error: Error | null) => void): void {
    removeSpooledFile(file).then(() => callback(null), callback);
  }

  private async receive(part: Readable): Promise<FileOnDisk> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const filePath = path.join(this.directory, randomUUID());
    const meter = new UploadMeter(this.maxBytes);
    // The part is piped rather than put in the pipeline: a refusal then leaves it to multer to drain, instead
    // of destroying it, and multer answers only after the partial file is gone. Its own failure (a client that
    // goes away, a malformed body) still ends the write.
    part.once('error', (error) => meter.destroy(error));
    part.pipe(meter);
    try {
      await pipeline(meter, createWriteStream(filePath, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      part.unpipe(meter);
      part.resume();
      await rm(filePath, { force: true });
      throw error;
    }
    return { path: filePath, size: meter.size, sha256: meter.digest() };
  }
}

/** Deletes a spooled file; one already gone (or never written) is fine. */
export async function removeSpooledFile(file: Partial<FileOnDisk> | undefined): Promise<void> {
  if (file?.path) await rm(file.path, { force: true });
}

/**
 * How old a spooled file's last write must be before it counts as abandoned. A file still arriving is written
 * to all the time, and a finished one is stored within seconds, so only a process that died mid-upload
 * (SIGKILL, a crash) leaves files this old.
 */
export const ABANDONED_SPOOL_FILE_MS = 60 * 60_000;

/** Deletes the spooled files last written more than `olderThanMs` ago; returns how many went. */
export async function sweepAbandonedSpoolFiles(
  directory: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const name of names) {
    const filePath = path.join(directory, name);
    const info = await stat(filePath).catch(() => undefined);
    if (!info?.isFile() || now - info.mtimeMs <= olderThanMs) continue;
    await rm(filePath, { force: true });
    removed += 1;
  }
  return removed;
}

/**
 * Sweeps the spool of files that a process killed mid-upload left behind: at start-up, then every
 * ABANDONED_SPOOL_FILE_MS (several API processes may share one spool folder; each sweeps only old files).
 */
@Injectable()
export class UploadSpoolSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CreativeEngineUploads');
  private timer?: NodeJS.Timeout;

  constructor(private readonly config: EngineConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), ABANDONED_SPOOL_FILE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    const directory = uploadSpoolDirectory(this.config);
    try {
      const removed = await sweepAbandonedSpoolFiles(directory, ABANDONED_SPOOL_FILE_MS);
      if (removed > 0) this.logger.warn(`Removed ${removed} abandoned upload file(s) from ${directory}`);
    } catch (error) {
      this.logger.error(`Could not sweep the upload spool ${directory}: ${String(error)}`);
    }
  }
}
