import { Injectable, Logger } from '@nestjs/common';
import { API_BASE_PATH } from '../common/api-path';
import { IdempotencyKeyReusedError, ServiceUnavailableError } from '../common/errors';
import { definedOnly } from '../common/objects';
import { GenerationJob } from '../generated/prisma/client';
import { GenerationJobsRepository, NewJob } from '../jobs/generation-jobs.repository';
import { UserLimitsService } from '../limits/user-limits.service';
import { ModelCatalogue } from '../providers/catalogue/model-catalogue.service';
import { JobQueue } from '../queue/job-queue';
import type { JobKind } from '../queue/queue.constants';
import type { JobAcceptedResponseDto } from './dto/job-accepted.dto';
import { Idempotency, idempotencyOf, type IdempotentRequest } from './idempotency-fingerprint';
import { EngineMetrics } from '../metrics/engine-metrics';

/** A job about to be recorded: validated, with its provider and model resolved. */
export interface JobDraft extends Omit<NewJob, 'userId' | 'type' | 'idempotencyKey' | 'idempotencyFingerprint'> {
  type: JobKind;
  /** The shutdown date of a deprecated model. */
  modelShutdownDate?: string;
}

export interface SubmitOptions {
  /**
   * Same key and same request from the same user → the same job, however often it is repeated; the same
   * key with a different request → IdempotencyKeyReusedError (422).
   */
  idempotencyKey?: string;
}

const IMAGE_JOB_TYPES: readonly string[] = ['image_generation', 'image_regeneration'];

/** Where a job is followed: image jobs keep the seed's /image/:jobId/status, every kind answers at /jobs/:jobId. */
export function jobStatusUrl(job: Pick<GenerationJob, 'id' | 'type'>): string {
  return IMAGE_JOB_TYPES.includes(job.type)
    ? `/${API_BASE_PATH}/image/${job.id}/status`
    : `/${API_BASE_PATH}/jobs/${job.id}`;
}

/**
 * How every generator queues its work (docs/ARCHITECTURE.md §4): the Idempotency-Key first, then the user's
 * caps, the row (queued) and its queue entry. A generator drafts and validates; this records and enqueues.
 */
@Injectable()
export class JobSubmissionService {
  private readonly logger = new Logger(JobSubmissionService.name);

  constructor(
    private readonly jobs: GenerationJobsRepository,
    private readonly limits: UserLimitsService,
    private readonly queue: JobQueue,
    private readonly catalogue: ModelCatalogue,
    private readonly metrics: EngineMetrics,
  ) {}

  /**
   * Queues the job `draft()` makes, unless the Idempotency-Key was already used: then the first job answers
   * (same request) or a 422 (another request), and draft() is not called. `request` is what the key binds to.
   */
  async submit(
    userId: string,
    request: IdempotentRequest,
    options: SubmitOptions,
    draft: () => JobDraft | Promise<JobDraft>,
  ): Promise<JobAcceptedResponseDto> {
    const idempotency = idempotencyOf(options.idempotencyKey, request);
    const existing = idempotency && (await this.jobs.findByIdempotencyKey(userId, idempotency.key));
    if (existing) return this.replay(existing, idempotency);
    return this.record(userId, await draft(), idempotency);
  }

  /** Records and queues the job, within the user's caps (daily budget: 402; active jobs: 429). */
  private async record(
    userId: string,
    draft: JobDraft,
    idempotency: Idempotency | undefined,
  ): Promise<JobAcceptedResponseDto> {
    await this.limits.assertWithinDailyBudget(userId);
    const { job: row, created } = await this.jobs.create(
      {
        userId,
        type: draft.type,
        priority: draft.priority,
        prompt: draft.prompt,
        negativePrompt: draft.negativePrompt,
        provider: draft.provider,
        model: draft.model,
        parameters: draft.parameters,
        templateId: draft.templateId,
        parentAssetId: draft.parentAssetId,
        idempotencyKey: idempotency?.key,
        idempotencyFingerprint: idempotency?.fingerprint,
      },
      this.limits.activeJobGuard(userId),
    );
    // Two requests with the same key raced: the one that lost answers with the winner's job (if it is the same request).
    if (!created) return this.replay(row, idempotency as Idempotency);
    await this.enqueue(draft.type, row);
    this.metrics.jobCreated(draft.type);
    return definedOnly({ ...toAcceptedResponse(row), modelShutdownDate: draft.modelShutdownDate });
  }

  /**
   * The answer to a repeated Idempotency-Key: the first job when the request is the same (with the
   * Deprecation/Sunset of its model, as the first answer had), else a 422. A job keyed before fingerprints
   * were stored has none and answers as it did (with its job).
   */
  private replay(job: GenerationJob, idempotency: Idempotency): JobAcceptedResponseDto {
    if (job.idempotencyFingerprint !== null && job.idempotencyFingerprint !== idempotency.fingerprint) {
      throw new IdempotencyKeyReusedError(
        `Idempotency-Key ${JSON.stringify(idempotency.key)} was already used with a different request (job ${job.id}): use a new key for a new request`,
      );
    }
    return definedOnly({ ...toAcceptedResponse(job), modelShutdownDate: this.catalogue.deprecationOf(job.model) });
  }

  /**
   * Adds the job to the queue, or removes its row and answers 503: a client is never told of a job that has
   * no queue entry, and a retry with the same Idempotency-Key makes a new job.
   */
  private async enqueue(kind: JobKind, job: GenerationJob): Promise<void> {
    try {
      await this.queue.addWithinTimeout(kind, { jobId: job.id }, job.priority);
    } catch (error) {
      this.logger.error(`Job ${job.id} could not be queued: ${error instanceof Error ? error.message : String(error)}`);
      await this.jobs
        .removeUnqueued(job.id)
        .catch((failure: unknown) =>
          this.logger.error(`Unqueued job ${job.id} could not be removed: ${String(failure)}`),
        );
      throw new ServiceUnavailableError('The job queue is unavailable; nothing was queued, try again shortly');
    }
  }
}

function toAcceptedResponse(job: GenerationJob): JobAcceptedResponseDto {
  const warnings = (job.parameters as { warnings?: string[] } | null)?.warnings;
  return definedOnly({
    success: true as const,
    jobId: job.id,
    status: job.status,
    statusUrl: jobStatusUrl(job),
    estimatedTime: job.estimatedTime,
    warnings,
  });
}
