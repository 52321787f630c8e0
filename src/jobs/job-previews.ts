import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { imageExtension, readImageMetadata } from '../storage/image-processing';
import { StorageService } from '../storage/storage.service';
import { GenerationJobsRepository } from './generation-jobs.repository';

/** A stored partial image of a job, as the event stream announces it. */
export interface JobPreview {
  index: number;
  mimeType: string;
}

/** Previews deleted per sweep. */
const SWEEP_BATCH_SIZE = 100;

/**
 * Live previews (docs/ARCHITECTURE.md §4): the partial images a provider streams while it renders, each stored
 * under a server key and recorded against its job, announced by GET /jobs/:jobId/events with a short-lived
 * signed link, and deleted when the job ends: by its handler however the attempt ends, by the processor when
 * Bull gives the job up, and by the recovery sweep for an ended job whose worker died before either could.
 * They are no assets: not deduplicated, not in the library.
 */
@Injectable()
export class JobPreviews {
  private readonly logger = new Logger(JobPreviews.name);

  constructor(
    private readonly jobs: GenerationJobsRepository,
    private readonly storage: StorageService,
    private readonly config: EngineConfig,
  ) {}

  /** Stores partial image `index` of the job (its type read from the bytes). */
  async store(jobId: string, index: number, bytes: Buffer): Promise<void> {
    const { format, mimeType } = await readImageMetadata(bytes);
    const { key } = await this.storage.put(bytes, { extension: imageExtension(format) });
    const replaced = await this.jobs.recordPreview(jobId, index, key, mimeType);
    if (replaced) await this.deleteFiles([replaced]);
  }

  async list(jobId: string): Promise<JobPreview[]> {
    return (await this.jobs.findPreviews(jobId)).map(({ index, mimeType }) => ({ index, mimeType }));
  }

  async open(jobId: string, index: number): Promise<{ body: Readable; mimeType: string }> {
    const preview = (await this.jobs.findPreviews(jobId)).find((row) => row.index === index);
    if (!preview) throw new NotFoundError(`Preview ${index} of job`, jobId);
    return { body: await this.storage.createReadStream(preview.storageKey), mimeType: preview.mimeType };
  }

  /** Deletes every preview of the job, those of earlier attempts included: the job has ended. */
  async clear(jobId: string): Promise<void> {
    await this.deleteFiles(await this.jobs.deletePreviews(jobId));
  }

  /**
   * Deletes the previews of ended jobs older than JOB_PREVIEW_TTL_SECONDS (their links have expired); those of
   * queued and running jobs stay. Returns how many went.
   */
  async sweepEndedJobs(now = new Date()): Promise<number> {
    const createdBefore = new Date(now.getTime() - this.config.imageGeneration.previewTtlSeconds * 1000);
    const keys = await this.jobs.deleteEndedJobPreviews(createdBefore, SWEEP_BATCH_SIZE);
    await this.deleteFiles(keys);
    return keys.length;
  }

  private async deleteFiles(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await this.storage
        .delete(key)
        .catch((error: unknown) => this.logger.warn(`Preview file ${key} was not deleted: ${String(error)}`));
    }
  }
}
