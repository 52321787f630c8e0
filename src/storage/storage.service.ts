import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { NotFoundError, PayloadTooLargeError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { FILE_STORE, FileNotFoundError } from './file-store';
import type { FileStore } from './file-store';
import { assertStorageKey, newStorageKey } from './storage-keys';

export interface DeletionSweepResult {
  deleted: number;
  failed: number;
}

const SWEEP_BATCH_SIZE = 100;
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Asset bytes behind a FileStore (local disk under STORAGE_DIR by default). Keys are generated here, never
 * taken from a client, and checked on every read and delete. A deletion that fails is recorded in
 * pending_file_deletions and retried by a periodic sweep, so no file is silently left behind.
 */
@Injectable()
export class StorageService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StorageService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    private readonly prisma: PrismaService,
    private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.storage.deletionRetryIntervalMs;
    if (interval <= 0) return;
    this.sweepTimer = setInterval(() => {
      this.retryPendingDeletions().catch((error) => this.logger.error(`Deletion sweep failed: ${describeError(error)}`));
    }, interval);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** Stores bytes under a new server-generated key `<yyyy>/<mm>/<uuid>.<extension>`. */
  async put(bytes: Buffer, options: { extension: string }): Promise<{ key: string }> {
    if (bytes.length > this.config.storage.maxFileBytes) {
      throw new PayloadTooLargeError(`File is ${bytes.length} bytes; the limit is ${this.config.storage.maxFileBytes} (STORAGE_MAX_FILE_BYTES)`);
    }
    const key = newStorageKey(options.extension);
    await this.store.write(key, bytes);
    return { key };
  }

  async read(key: string): Promise<Buffer> {
    assertStorageKey(key);
    return this.store.read(key).catch(this.toNotFound);
  }

  async createReadStream(key: string): Promise<Readable> {
    assertStorageKey(key);
    return this.store.openReadStream(key).catch(this.toNotFound);
  }

  /** Deletes now; a failure is logged and recorded for the sweep instead of thrown. */
  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    try {
      await this.store.remove(key);
    } catch (error) {
      this.logger.warn(`Could not delete stored file ${key}, will retry: ${describeError(error)}`);
      await this.prisma.pendingFileDeletion.upsert({
        where: { key },
        create: { key, attempts: 1, lastError: describeError(error) },
        update: { attempts: { increment: 1 }, lastError: describeError(error) },
      });
    }
  }

  /**
   * Records files for deletion inside the caller's transaction (the one that deletes the rows pointing at
   * them), so a crash after commit still leaves a record; then call retryPendingDeletions({ keys }).
   */
  async scheduleDeletion(keys: string[], tx: Prisma.TransactionClient): Promise<void> {
    keys.forEach(assertStorageKey);
    if (keys.length === 0) return;
    await tx.pendingFileDeletion.createMany({ data: keys.map((key) => ({ key })), skipDuplicates: true });
  }

  /**
   * Deletes recorded files (the given keys, or the oldest batch) and clears their records; failures stay
   * recorded with the error and an attempt count. Deletion is idempotent, so concurrent sweeps are harmless.
   */
  async retryPendingDeletions(options: { keys?: string[] } = {}): Promise<DeletionSweepResult> {
    const pending = await this.prisma.pendingFileDeletion.findMany({
      where: options.keys ? { key: { in: options.keys } } : undefined,
      orderBy: { updatedAt: 'asc' },
      take: SWEEP_BATCH_SIZE,
    });
    const result: DeletionSweepResult = { deleted: 0, failed: 0 };
    for (const { id, key } of pending) {
      try {
        assertStorageKey(key);
        await this.store.remove(key);
        await this.prisma.pendingFileDeletion.delete({ where: { id } });
        result.deleted += 1;
      } catch (error) {
        this.logger.warn(`Retry of deletion of ${key} failed: ${describeError(error)}`);
        await this.prisma.pendingFileDeletion.update({
          where: { id },
          data: { attempts: { increment: 1 }, lastError: describeError(error) },
        });
        result.failed += 1;
      }
    }
    return result;
  }

  private readonly toNotFound = (error: unknown): never => {
    if (error instanceof FileNotFoundError) throw new NotFoundError('Stored file');
    throw error;
  };
}
