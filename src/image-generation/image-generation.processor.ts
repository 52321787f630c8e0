import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { ProviderError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { IMAGE_GENERATION_JOB, IMAGE_GENERATION_QUEUE, ImageGenerationJobData, imageJobOptions } from '../queue/queue.constants';
import { GenerationJobsService } from './generation-jobs.service';
import { ImageGenerationRunner, RunOutcome } from './image-generation.runner';

/** Queued jobs re-enqueued per recovery sweep. */
const RECOVERY_BATCH_SIZE = 100;

/** The reason Bull gives when a job exceeded maxStalledCount (bull/lib/scripts). */
const BULL_STALLED_LIMIT_MESSAGE = 'job stalled more than allowable limit';

/**
 * The Bull consumer of image jobs. Registered by hand rather than with @Processor so that an API started
 * with WORKER_ENABLED=false only enqueues, and `node dist/worker.js` only consumes.
 */
@Injectable()
export class ImageGenerationProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ImageGenerationProcessor.name);
  private recoveryTimer?: NodeJS.Timeout;

  constructor(
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue<ImageGenerationJobData>,
    private readonly config: EngineConfig,
    private readonly runner: ImageGenerationRunner,
    private readonly jobs: GenerationJobsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.enabled) return;
    // Bull gave up on a job without the runner recording it (stalled too often, or its last attempt failed
    // before or while recording, e.g. the database connection dropped): fail the row, or it stays queued/processing.
    // A row the runner already finished is left alone.
    this.queue.on('failed', (job: Job<ImageGenerationJobData>, error: Error) => {
      const stalled = error?.message === BULL_STALLED_LIMIT_MESSAGE;
      if (!stalled && !job.finishedOn) return;
      const reason = stalled ? 'The job was interrupted too many times (its worker stopped mid-job)' : `The job failed: ${error?.message ?? 'unknown error'}`;
      this.runner
        .abandon(job.data.jobId, reason)
        .catch((failure: unknown) => this.logger.error(`Could not record abandoned job ${job.data.jobId}: ${String(failure)}`));
    });
    // Resolves only when the queue closes; a failure to start consuming is logged, never unhandled.
    this.queue
      .process(IMAGE_GENERATION_JOB, this.config.worker.concurrency, (job) => this.handle(job))
      .catch((error: unknown) => this.logger.error(`Image queue consumer stopped: ${error instanceof Error ? error.message : String(error)}`));
    const { recoveryIntervalMs } = this.config.queue;
    if (recoveryIntervalMs > 0) {
      this.recoveryTimer = setInterval(() => {
        this.requeueLostJobs().catch((error: unknown) => this.logger.warn(`Queue recovery sweep failed: ${String(error)}`));
      }, recoveryIntervalMs);
      this.recoveryTimer.unref();
    }
  }

  /**
   * Re-enqueues queued jobs older than one sweep interval. A job row can outlive its Bull job (the process
   * died between the insert and the enqueue; a Redis without persistence restarted); the row id is the Bull
   * job id, so re-adding a job Bull still holds is a no-op. Returns how many were offered to Bull.
   */
  async requeueLostJobs(): Promise<number> {
    const createdBefore = new Date(Date.now() - this.config.queue.recoveryIntervalMs);
    const queued = await this.jobs.findQueuedJobs(createdBefore, RECOVERY_BATCH_SIZE);
    for (const job of queued) {
      await this.queue.add(IMAGE_GENERATION_JOB, { jobId: job.id }, imageJobOptions(this.config, job.id, job.priority));
    }
    return queued.length;
  }

  /**
   * Graceful stop (SIGTERM, app.close()): take no new job and let the running ones finish, so none is cut
   * off halfway. Runs before the queue and the database connections close (onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.recoveryTimer);
    if (!this.config.worker.enabled) return;
    // Local pause: this process stops fetching jobs and waits for its active ones; other workers go on.
    await this.queue.pause(true).catch((error: unknown) => this.logger.error(`Could not drain the image queue: ${String(error)}`));
  }

  /**
   * A permanent provider failure is discarded so Bull does not retry it. Anything else goes back with
   * backoff, including an error from outside the attempt (the database unreachable while starting or
   * recording it): discarding that would leave the row queued or processing with no queue entry.
   */
  async handle(job: Job<ImageGenerationJobData>): Promise<RunOutcome> {
    try {
      return await this.runner.run(job.data.jobId, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
    } catch (error) {
      if (error instanceof ProviderError && !error.retryable) await job.discard();
      throw error;
    }
  }
}
