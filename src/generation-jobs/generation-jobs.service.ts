import { Injectable, Logger, MessageEvent } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { AssetLinks } from '../assets/asset-links';
import { ConflictError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { EngineConfig } from '../config/engine-config';
import { GenerationJob } from '../generated/prisma/client';
import { GenerationJobsRepository, isTerminal } from '../jobs/generation-jobs.repository';
import { JobPreviews } from '../jobs/job-previews';
import { JobQueue } from '../queue/job-queue';
import {
  CancelJobResponseDto,
  JobStatusResponseDto,
  JobResponseDto,
  toJobStatusResponse,
  toJobResponse,
} from './dto/job-response.dto';
import type { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { EngineMetrics } from '../metrics/engine-metrics';

export type ListJobsInput = Partial<Omit<ListJobsQueryDto, 'limit'>> & { limit?: number };

/**
 * Generation jobs of any type as their owner sees them: status, listing, cancellation and the progress
 * stream. Someone else's job is always a 404.
 */
@Injectable()
export class GenerationJobsService {
  private readonly logger = new Logger(GenerationJobsService.name);

  constructor(
    private readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly queue: JobQueue,
    private readonly links: AssetLinks,
    private readonly metrics: EngineMetrics,
    private readonly previews: JobPreviews,
  ) {}

  async getJobStatus(userId: string, jobId: string): Promise<JobStatusResponseDto> {
    const row = await this.jobs.findOwnedWithAssets(userId, jobId);
    if (!row) throw new NotFoundError('Job', jobId);
    return toJobStatusResponse(row, await this.links.toResponses(row.assets));
  }

  async listJobs(userId: string, query: ListJobsInput = {}): Promise<Page<JobResponseDto>> {
    const page = await this.jobs.list(userId, {
      status: query.status,
      type: query.type,
      cursor: query.cursor,
      limit: query.limit ?? 20,
    });
    return { items: page.items.map(toJobResponse), nextCursor: page.nextCursor };
  }

  /**
   * Queued or processing → cancelled. A queued job leaves the queue; a running one stops at its next step
   * and stores nothing. A finished job answers 409.
   */
  async cancelJob(userId: string, jobId: string): Promise<CancelJobResponseDto> {
    // Only when the transition matches nothing is the job read to say why.
    const cancelled = await this.jobs.cancel(userId, jobId);
    if (!cancelled) {
      const current = await this.findOwnedJob(userId, jobId);
      throw new ConflictError(`Job ${jobId} is already ${current.status} and cannot be cancelled`);
    }
    this.metrics.jobCancelled(cancelled.type);
    await this.removeFromQueue(jobId);
    return { success: true, job: toJobResponse(cancelled) };
  }

  /**
   * Server-sent events for one job: a `progress` event whenever status, step or progress changes, a `partial`
   * event `{ index, url }` (a short-lived signed link) for each partial image a streaming job stored, in index
   * order and before the status read with it, then one event named after the terminal status (completed,
   * failed, cancelled), then the stream ends. The DB rows are polled, so events come from whichever worker
   * runs the job.
   */
  async jobEvents(userId: string, jobId: string): Promise<Observable<MessageEvent>> {
    await this.findOwnedJob(userId, jobId);
    return new Observable<MessageEvent>((subscriber) => {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let lastState = '';
      let sequence = 0;
      let nextPartial = 0;
      const poll = async (): Promise<void> => {
        if (stopped) return;
        const status = await this.getJobStatus(userId, jobId);
        for (const { index } of await this.previews.list(jobId)) {
          if (index < nextPartial) continue;
          nextPartial = index + 1;
          sequence += 1;
          subscriber.next({
            id: String(sequence),
            type: 'partial',
            data: { index, url: this.links.previewUrl(jobId, index) },
          });
        }
        const state = `${status.status}:${status.currentStep}:${status.progress}`;
        const terminal = isTerminal(status.status);
        if (state !== lastState) {
          lastState = state;
          sequence += 1;
          subscriber.next({ id: String(sequence), type: terminal ? status.status : 'progress', data: status });
        }
        if (terminal) {
          subscriber.complete();
          return;
        }
        timer = setTimeout(
          () => void poll().catch((error: unknown) => subscriber.error(error)),
          this.config.imageGeneration.eventsPollMs,
        );
      };
      poll().catch((error: unknown) => subscriber.error(error));
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    });
  }

  /** The bytes of a partial image through its signed link: 403 when forged or expired, 404 once the job ended. */
  async getSignedPreview(
    jobId: string,
    index: number,
    link: { expires: number; signature: string },
  ): Promise<{ body: Readable; mimeType: string }> {
    this.links.assertValidPreview(jobId, index, link.expires, link.signature);
    return this.previews.open(jobId, index);
  }

  private async findOwnedJob(userId: string, jobId: string): Promise<GenerationJob> {
    const job = await this.jobs.findOwned(userId, jobId);
    if (!job) throw new NotFoundError('Job', jobId);
    return job;
  }

  /** Best effort: a job already taken by a worker cannot be removed, and stops by itself at its next step. */
  private async removeFromQueue(jobId: string): Promise<void> {
    try {
      // Bounded: with Redis unreachable the cancellation (already recorded) must still answer; the worker skips the job.
      await this.queue.removeUnlessActive(jobId);
    } catch (error) {
      this.logger.warn(
        `Cancelled job ${jobId} could not be removed from the queue: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
