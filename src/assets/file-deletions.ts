import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { assertStorageKey } from '../storage/storage-keys';
import { StorageService } from '../storage/storage.service';
import { AssetsRepository } from './assets.repository';

export interface DeletionSweepResult {
  deleted: number;
  failed: number;
}

const SWEEP_BATCH_SIZE = 100;
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Deletion of the files of assets, so that none is silently left behind: a deletion that fails is recorded
 * in pending_file_deletions and retried by a periodic sweep (STORAGE_DELETION_RETRY_INTERVAL_MS).
 */
@Injectable()
export class FileDeletionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FileDeletionsService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly storage: StorageService,
    private readonly assets: AssetsRepository,
    private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.storage.deletionRetryIntervalMs;
    if (interval <= 0) return;
    this.sweepTimer = setInterval(() => {
      this.retryPendingDeletions().catch((error) =>
        this.logger.error(`Deletion sweep failed: ${describeError(error)}`),
      );
    }, interval);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** Deletes now; a failure is logged and recorded for the sweep instead of thrown. */
  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`Could not delete stored file ${key}, will retry: ${describeError(error)}`);
      await this.assets.recordFailedDeletion(key, describeError(error));
    }
  }

  /**
   * Deletes recorded files (the given keys, or the oldest batch) and clears their records; failures stay
   * recorded with the error and an attempt count. Deletion is idempotent, so concurrent sweeps are harmless.
   */
  async retryPendingDeletions(options: { keys?: string[] } = {}): Promise<DeletionSweepResult> {
    const pending = await this.assets.findPendingDeletions(options.keys, SWEEP_BATCH_SIZE);
    const result: DeletionSweepResult = { deleted: 0, failed: 0 };
    for (const { id, key } of pending) {
      try {
        await this.storage.delete(key);
        await this.assets.clearPendingDeletion(id);
        result.deleted += 1;
      } catch (error) {
        this.logger.warn(`Retry of deletion of ${key} failed: ${describeError(error)}`);
        await this.assets.countFailedRetry(id, describeError(error));
        result.failed += 1;
      }
    }
    return result;
  }
}
