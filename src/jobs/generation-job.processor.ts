import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DomainError, ProviderError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { GenerationJob } from '../generated/prisma/client';
import { JobQueue } from '../queue/job-queue';
import {
  backoffOptions,
  IMAGE_GENERATION_QUEUE,
  isJobKind,
  JOB_KINDS,
  jobKindOf,
  JobKind,
  JobPayloads,
  retryDelayMs,
} from '../queue/queue.constants';
import { CompletedJob, GenerationJobsRepository } from './generation-jobs.repository';
import { JobPreviews } from './job-previews';
import { JOB_HANDLERS } from './job-handler';
import type { HandlerResult, JobHandler, JobHandlers, RunOutcome } from './job-handler';
import { assetCreatedEvent, CREATIVE_EVENTS, CreativeEvents } from '../events/creative-events';
import { runWithJobLogContext } from '../logging/log-context';
import { EngineMetrics } from '../metrics/engine-metrics';

/** Queued jobs re-enqueued per recovery sweep. */
const RECOVERY_BATCH_SIZE = 100;

/** The reason Bull gives when a job exceeded maxStalledCount (bull/lib/scripts). */
const BULL_STALLED_LIMIT_MESSAGE = 'job stalled more than allowable limit';

/** Bull's count of failed attempts and its limit, for one job. */
export interface AttemptInfo {
  attemptsMade: number;
  maxAttempts: number;
}

type QueuedJob = Job<JobPayloads[JobKind]>;

/**
 * The Bull consumer of every job kind (docs/ARCHITECTURE.md §4): claims the row, hands it to the kind's
 * handler, records a failed attempt and tells Bull whether to retry. Registered by hand rather than with
 * @Processor so that an API started with WORKER_ENABLED=false only enqueues, and `node dist/worker.js`
 * only consumes.
 */
@Injectable()
export class GenerationJobProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GenerationJobProcessor.name);
  private recoveryTimer?: NodeJS.Timeout;

  constructor(
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue<JobPayloads[JobKind]>,
    private readonly config: EngineConfig,
    private readonly jobs: GenerationJobsRepository,
    private readonly jobQueue: JobQueue,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandlers,
    private readonly metrics: EngineMetrics,
    private readonly events: CreativeEvents,
    private readonly previews: JobPreviews,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.enabled) return;
    this.queue.on('failed', (job: QueuedJob, error: Error) => this.onBullFailure(job, error));
    // One handler for every name ('*'): Bull adds up the concurrency of named handlers. Resolves only when
    // the queue closes; a failure to start consuming is logged, never unhandled.
    this.queue
      .process('*', this.config.worker.concurrency, (job: QueuedJob) => this.handle(job))
      .catch((error: unknown) =>
        this.logger.error(`Job queue consumer stopped: ${error instanceof Error ? error.message : String(error)}`),
      );
    this.startRecoverySweep();
  }

  /**
   * Graceful stop (SIGTERM, app.close()): take no new job and let the running ones finish, so none is cut
   * off halfway. Runs before the queue and the database connections close (onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.recoveryTimer);
    if (!this.config.worker.enabled) return;
    // Local pause: this process stops fetching jobs and waits for its active ones; other workers go on.
    await this.queue
      .pause(true)
      .catch((error: unknown) => this.logger.error(`Could not drain the job queue: ${String(error)}`));
  }

  /**
   * Re-enqueues queued jobs older than one sweep interval. A job row can outlive its Bull job (the process
   * died between the insert and the enqueue; a Redis without persistence restarted); the row id is the Bull
   * job id, so re-adding a job Bull still holds is a no-op. Returns how many were offered to Bull.
   */
  async requeueLostJobs(): Promise<number> {
    const createdBefore = new Date(Date.now() - this.config.queue.recoveryIntervalMs);
    const queued = await this.jobs.findQueuedBefore(createdBefore, JOB_KINDS, RECOVERY_BATCH_SIZE);
    for (const job of queued) {
      if (isJobKind(job.type)) await this.jobQueue.add(job.type, { jobId: job.id }, job.priority);
    }
    return queued.length;
  }

  /**
   * One attempt of a Bull job. A permanent failure is discarded so Bull does not retry it. Anything else
   * goes back with backoff, including an error from outside the attempt (the database unreachable while
   * claiming or recording it): discarding that would leave the row queued or processing with no queue entry.
   */
  async handle(job: QueuedJob): Promise<RunOutcome> {
    const kind = jobKindOf(job.name);
    return runWithJobLogContext({ jobId: job.data.jobId, jobKind: kind ?? job.name }, async () => {
      try {
        if (!kind) throw new ProviderError(`No handler for job ${JSON.stringify(job.name)}`, false);
        return await this.attempt(this.handlers[kind], job.data.jobId, {
          attemptsMade: job.attemptsMade,
          maxAttempts: job.opts.attempts ?? 1,
        });
      } catch (error) {
        if (error instanceof ProviderError && !error.retryable) await job.discard();
        throw error;
      }
    });
  }

  /** Claims the row and runs it; a failure is recorded on the row, then thrown for Bull (docs/ARCHITECTURE.md §4). */
  private async attempt(handler: JobHandler, jobId: string, attempt: AttemptInfo): Promise<RunOutcome> {
    const job = await this.jobs.claim(jobId, handler.firstStep, handler.totalSteps);
    if (!job) return 'skipped';
    let result: HandlerResult;
    try {
      result = await handler.run(job);
    } catch (error) {
      const failure = toProviderFailure(error);
      // A job cancelled meanwhile is done: nothing to retry, nothing to report.
      if (!(await this.recordFailure(job, failure, attempt))) return 'cancelled';
      throw failure;
    }
    if (result.status === 'completed') this.announceCompletion(result.job);
    return result.status;
  }

  /**
   * Counts a completed job and announces it and its assets, once its statement has committed, from what
   * that statement returned. A failure here is logged: the job is done, and failing its Bull job would not
   * make it any less done.
   */
  private announceCompletion(job: CompletedJob): void {
    try {
      this.logger.log(`Job ${job.id} completed`);
      this.metrics.jobCompleted(job);
      this.events.emit(CREATIVE_EVENTS.jobCompleted, {
        jobId: job.id,
        userId: job.userId,
        type: job.type,
        provider: job.provider,
        model: job.model,
        cost: job.cost === null ? null : Number(job.cost),
        actualTimeMs: job.actualTime,
        assetIds: job.assets.map((asset) => asset.id),
      });
      for (const asset of job.assets) this.events.emit(CREATIVE_EVENTS.assetCreated, assetCreatedEvent(asset));
    } catch (error) {
      this.logger.error(`Job ${job.id} completed but was not announced: ${String(error)}`);
    }
  }

  /** Counts and announces a job that failed for good. */
  private announceFailure(job: Pick<GenerationJob, 'id' | 'userId' | 'type'>, errorMessage: string): void {
    this.metrics.jobFailed(job.type);
    this.events.emit(CREATIVE_EVENTS.jobFailed, { jobId: job.id, userId: job.userId, type: job.type, errorMessage });
  }

  /**
   * A permanent failure or the last attempt fails the job; otherwise it goes back to queued until the
   * retry, whose time is the delay Bull computes next from the same strategy (Bull counts attemptsMade
   * after this one, hence attemptNumber). False when the job was no longer processing (cancelled meanwhile), so nothing was recorded.
   */
  private async recordFailure(job: GenerationJob, failure: ProviderError, attempt: AttemptInfo): Promise<boolean> {
    const attemptNumber = attempt.attemptsMade + 1;
    const final = !failure.retryable || attemptNumber >= attempt.maxAttempts;
    const recorded = final
      ? await this.jobs.fail(job, failure.message)
      : await this.jobs.returnToQueue(
          job.id,
          `Attempt ${attemptNumber} failed, will retry: ${failure.message}`,
          new Date(Date.now() + retryDelayMs(attemptNumber, failure, backoffOptions(this.config))),
        );
    if (recorded) {
      this.logger.warn(`Job ${job.id} attempt ${attemptNumber} failed${final ? ' (final)' : ''}: ${failure.message}`);
      if (final) this.announceFailure(job, failure.message);
    }
    return recorded;
  }

  /**
   * Bull gave up on a job without an attempt recording it (stalled too often, or its last attempt failed
   * before or while recording, e.g. the database connection dropped): fail the row, or it stays queued or
   * processing, and delete the previews the interrupted attempts left. A row already finished is left alone.
   */
  private onBullFailure(job: QueuedJob, error: Error): void {
    const stalled = error?.message === BULL_STALLED_LIMIT_MESSAGE;
    if (!stalled && !job.finishedOn) return;
    const reason = stalled
      ? 'The job was interrupted too many times (its worker stopped mid-job)'
      : `The job failed: ${error?.message ?? 'unknown error'}`;
    const { jobId } = job.data;
    this.jobs
      .abandon(jobId, reason)
      .then(async (abandoned) => {
        if (abandoned) this.announceFailure(abandoned, reason);
        await this.previews.clear(jobId);
      })
      .catch((failure: unknown) => this.logger.error(`Could not record abandoned job ${jobId}: ${String(failure)}`));
  }

  /** One recovery pass: lost jobs back in the queue, leftover previews of ended jobs deleted. */
  async recover(): Promise<void> {
    await this.requeueLostJobs();
    await this.previews.sweepEndedJobs();
  }

  private startRecoverySweep(): void {
    const { recoveryIntervalMs } = this.config.queue;
    if (recoveryIntervalMs <= 0) return;
    this.recoveryTimer = setInterval(() => {
      this.recover().catch((error: unknown) => this.logger.warn(`Queue recovery sweep failed: ${String(error)}`));
    }, recoveryIntervalMs);
    this.recoveryTimer.unref();
  }
}

/**
 * Every failure as a ProviderError with its retry decision: provider failures keep theirs, other domain
 * errors (bad stored input, provider no longer configured, file too large) are permanent, and a database
 * that dropped the connection (SERVICE_UNAVAILABLE) or anything unexpected (a storage hiccup) is worth
 * another try.
 */
export function toProviderFailure(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DomainError && error.code !== 'SERVICE_UNAVAILABLE')
    return new ProviderError(message, false, { cause: error, code: error.code });
  return new ProviderError(`Unexpected error: ${message}`, true, { cause: error });
}
