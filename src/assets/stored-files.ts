import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { EngineConfig } from '../config/engine-config';
import { byteSizeOf, type FileSource } from '../storage/file-source';
import { assertStorageKey, newStorageKey } from '../storage/storage-keys';
import { StorageService } from '../storage/storage.service';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './assets.repository';
import { StoredFilesRepository } from './stored-files.repository';

/** A file stored for an asset not inserted yet, held by its intent until the asset's transaction clears it. */
export interface StoredFile {
  readonly key: string;
  /** sha256 of the bytes, hex. */
  readonly checksum: string;
  readonly intentId: string;
}

/** A file to store for an asset: its bytes (or a file on disk) and the extension its key gets. */
export interface NewFile {
  readonly source: FileSource;
  readonly extension: string;
}

export interface DeletionSweepResult {
  deleted: number;
  failed: number;
}

export interface StorageSweepResult extends DeletionSweepResult {
  /** Stale intents removed: writes whose asset never came. */
  orphanedIntents: number;
}

const SWEEP_BATCH_SIZE = 100;
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The life of asset files, so that none is stored twice for one user, lost, or left behind:
 * - a file is stored once per user and content (sha256) and shared by every asset with those bytes;
 * - its key is recorded as an intent, with its object row, before the bytes are written, and the intent is
 *   cleared in the transaction that inserts the asset, so a process that dies in between leaves a trace for
 *   the sweep; until an asset names it, the object is pending, and whoever holds it writes the bytes too;
 * - a file goes when no asset and no intent holds it; a deletion that fails is recorded in
 *   pending_file_deletions and retried.
 * The sweep (every STORAGE_DELETION_RETRY_INTERVAL_MS) removes the files of intents older than
 * STORAGE_ORPHAN_GRACE_MS and of objects nothing holds, and retries the recorded deletions.
 */
@Injectable()
export class StoredFilesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StoredFilesService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly storage: StorageService,
    private readonly files: StoredFilesRepository,
    private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.storage.deletionRetryIntervalMs;
    if (interval <= 0) return;
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((error) => this.logger.error(`Storage sweep failed: ${describeError(error)}`));
    }, interval);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /**
   * Stores the user's files (an asset's file and its thumbnail), each written or, when an asset of the user
   * already names its bytes, held: one statement records the intents and the new objects of all, before any
   * byte is written. A file on disk comes with the sha256 measured as it was written, and is streamed to the
   * store. Returns them in order.
   */
  async storeAll(userId: string, files: readonly NewFile[]): Promise<StoredFile[]> {
    // Null answers only a condition, and there is none.
    return (await this.storeAllIf(userId, files)) as StoredFile[];
  }

  /**
   * storeAll, when `condition` (a statement run as a part of the one that records the intents) returns a row;
   * null, and nothing stored, when it returns none. A job's step is such a condition: it matches only while the
   * job is processing, so a cancelled job stores nothing, and the step costs no round trip of its own.
   */
  async storeAllIf(userId: string, files: readonly NewFile[], condition?: Prisma.Sql): Promise<StoredFile[] | null> {
    files.forEach(({ source }) => this.storage.assertFits(source));
    const reservations = files.map(({ source, extension }) => ({
      intentId: randomUUID(),
      checksum: Buffer.isBuffer(source) ? sha256Hex(source) : source.sha256,
      newKey: newStorageKey(extension),
      byteSize: byteSizeOf(source),
    }));
    const held = await this.files.holdOrReserve(userId, reservations, condition);
    if (!held) return null;
    const stored = held.map(({ key }, index): StoredFile => ({ ...reservations[index], key }));
    // Every write settles before anything is given up, so no write lands after its file was deleted.
    const writes = await Promise.allSettled(
      files.flatMap(({ source }, index) =>
        held[index].writeBytes
          ? [this.storage.writeAt(stored[index].key, source, { sha256: stored[index].checksum })]
          : [],
      ),
    );
    const failed = writes.find((write) => write.status === 'rejected');
    if (failed) {
      // A write that failed half way may have left bytes: deleted now, or by the sweep if the store is down.
      await this.discard(stored);
      throw failed.reason;
    }
    return stored;
  }

  /** Marks the files as their asset's, in the transaction that inserts it. */
  claim(files: readonly StoredFile[], tx?: Db): Promise<void> {
    return this.files.clearIntents(
      files.map((file) => file.intentId),
      tx,
    );
  }

  /** The statement that marks the files as their asset's when `when` holds, in the statement that inserts it. */
  claimWhenSql(files: readonly StoredFile[], when: Prisma.Sql): Prisma.Sql {
    return this.files.clearIntentsWhenSql(
      files.map((file) => file.intentId),
      when,
    );
  }

  /** Gives up files stored for an asset that will not be inserted; a file shared with other assets stays. */
  async discard(files: readonly StoredFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.files.clearIntents(files.map((file) => file.intentId));
    await this.deleteUnheld(files.map((file) => file.key));
  }

  /**
   * In the transaction that deletes assets (after their rows are gone): records for deletion those of their
   * files that nothing holds any more, and returns them for deleteRecorded once the transaction commits.
   */
  releaseInTransaction(keys: readonly string[], tx: Db): Promise<string[]> {
    keys.forEach(assertStorageKey);
    return this.files.releaseUnheld(keys, tx);
  }

  /** Deletes the files of `keys` that nothing holds any more. */
  async deleteUnheld(keys: readonly string[]): Promise<void> {
    const released = await this.files.releaseUnheld(keys);
    if (released.length > 0) await this.retryPendingDeletions({ keys: released });
  }

  /** One pass of the sweep: stale intents, objects nothing holds, recorded deletions. */
  async sweep(): Promise<StorageSweepResult> {
    const staleBefore = new Date(Date.now() - this.config.storage.orphanGraceMs);
    const staleKeys = await this.files.deleteStaleIntents(staleBefore, SWEEP_BATCH_SIZE);
    if (staleKeys.length > 0) this.logger.warn(`Removing ${staleKeys.length} orphaned file write(s)`);
    const unreferenced = await this.files.findUnreferencedKeys(SWEEP_BATCH_SIZE);
    await this.files.releaseUnheld([...staleKeys, ...unreferenced]);
    return { orphanedIntents: staleKeys.length, ...(await this.retryPendingDeletions()) };
  }

  /**
   * Deletes recorded files (the given keys, or the oldest batch) and clears their records; failures stay
   * recorded with the error and an attempt count. Deletion is idempotent, so concurrent sweeps are harmless.
   */
  async retryPendingDeletions(options: { keys?: string[] } = {}): Promise<DeletionSweepResult> {
    const pending = await this.files.findPendingDeletions(options.keys, SWEEP_BATCH_SIZE);
    const result: DeletionSweepResult = { deleted: 0, failed: 0 };
    for (const { id, key } of pending) {
      try {
        await this.storage.delete(key);
        await this.files.clearPendingDeletion(id);
        result.deleted += 1;
      } catch (error) {
        this.logger.warn(`Deletion of stored file ${key} failed, will retry: ${describeError(error)}`);
        await this.files.countFailedRetry(id, describeError(error));
        result.failed += 1;
      }
    }
    return result;
  }
}
