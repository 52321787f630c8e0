import { Injectable, Logger } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import type { AssetPageResponseDto } from '../assets/dto/asset-page-response.dto';
import type { ListAssetsQueryDto } from '../assets/dto/list-assets-query.dto';
import { IdempotencyKeyReusedError, ServiceUnavailableError } from '../common/errors';
import { API_BASE_PATH } from '../common/api-path';
import { definedOnly } from '../common/objects';
import { GenerationJob } from '../generated/prisma/client';
import { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { UserLimitsService } from '../limits/user-limits.service';
import { JobQueue } from '../queue/job-queue';
import type { GenerateImageDto, GenerateImageResponseDto, RegenerateImageDto } from './dto/generate-image.dto';
import type { ImageJobStatusResponseDto } from './dto/job-response.dto';
import { GenerationJobsService } from './generation-jobs.service';
import { Idempotency, idempotencyOf } from './idempotency-fingerprint';
import { ImageJobDraft, ImageJobDrafts, type TemplateImageInput } from './image-job-drafts';
import type { RenderedTemplate } from '../templates/templates.service';

export type ListUserImagesInput = Omit<ListAssetsQueryDto, 'type'>;

export interface GenerateOptions {
  /**
   * Same key and same request from the same user → the same job, however often it is repeated; the same
   * key with a different request → IdempotencyKeyReusedError (422).
   */
  idempotencyKey?: string;
}

export const imageStatusUrl = (jobId: string) => `/${API_BASE_PATH}/image/${jobId}/status`;

/**
 * Image generation (docs/ARCHITECTURE.md §4): drafts a job from a request (ImageJobDrafts), records it as
 * queued within the user's caps and enqueues its id; the worker (ImageJobHandler) does the rest. The
 * public API for host apps as well as the controller.
 */
@Injectable()
export class ImageGenerationService {
  private readonly logger = new Logger(ImageGenerationService.name);

  constructor(
    private readonly drafts: ImageJobDrafts,
    private readonly assets: AssetsService,
    private readonly jobs: GenerationJobsRepository,
    private readonly jobStatus: GenerationJobsService,
    private readonly limits: UserLimitsService,
    private readonly queue: JobQueue,
  ) {}

  async generateImage(
    userId: string,
    input: GenerateImageDto,
    options: GenerateOptions = {},
  ): Promise<GenerateImageResponseDto> {
    const idempotency = idempotencyOf(options.idempotencyKey, { kind: 'generate', body: input });
    const existing = idempotency && (await this.jobs.findByIdempotencyKey(userId, idempotency.key));
    if (existing) return replay(existing, idempotency);
    return this.submit(userId, await this.drafts.fromRequest(userId, input), idempotency);
  }

  /** generateImage from an image template the caller has already rendered (POST /content/from-template). */
  async generateImageFromTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: TemplateImageInput = {},
  ): Promise<GenerateImageResponseDto> {
    return this.submit(userId, this.drafts.fromTemplate(rendered, input), undefined);
  }

  async getImageStatus(userId: string, jobId: string): Promise<ImageJobStatusResponseDto> {
    return this.jobStatus.getJobStatus(userId, jobId);
  }

  /** A new job from an image asset, with the given fields replacing its own (ImageJobDrafts.fromAsset). */
  async regenerateImage(
    userId: string,
    assetId: string,
    input: RegenerateImageDto,
    options: GenerateOptions = {},
  ): Promise<GenerateImageResponseDto> {
    const idempotency = idempotencyOf(options.idempotencyKey, { kind: 'regenerate', assetId, body: input });
    const existing = idempotency && (await this.jobs.findByIdempotencyKey(userId, idempotency.key));
    if (existing) return replay(existing, idempotency);
    return this.submit(userId, await this.drafts.fromAsset(userId, assetId, input), idempotency);
  }

  /** The caller's image assets (GET /images): the asset library's list with type=image. */
  async listUserImages(userId: string, query: ListUserImagesInput): Promise<AssetPageResponseDto> {
    return this.assets.listAssets(userId, { ...query, type: 'image' });
  }

  /** Records and queues the job, within the user's caps (daily budget: 402; active jobs: 429). */
  private async submit(
    userId: string,
    draft: ImageJobDraft,
    idempotency: Idempotency | undefined,
  ): Promise<GenerateImageResponseDto> {
    await this.limits.assertWithinDailyBudget(userId);
    const { job, created } = await this.jobs.create(
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
        estimatedTime: await this.jobs.estimateTime(draft.model),
      },
      (tx) => this.limits.assertCanQueueJob(userId, tx),
    );
    // Two requests with the same key raced: the one that lost answers with the winner's job (if it is the same request).
    if (!created) return replay(job, idempotency as Idempotency);
    await this.enqueue(draft, job);
    return definedOnly({ ...toGenerateResponse(job), modelShutdownDate: draft.modelShutdownDate });
  }

  /**
   * Adds the job to the queue, or removes its row and answers 503: a client is never told of a job that has
   * no queue entry, and a retry with the same Idempotency-Key makes a new job.
   */
  private async enqueue(draft: ImageJobDraft, job: GenerationJob): Promise<void> {
    try {
      await this.queue.addWithinTimeout(draft.type, { jobId: job.id }, job.priority);
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

/**
 * The answer to a repeated Idempotency-Key: the first job when the request is the same, else a 422. A
 * job keyed before fingerprints were stored has none and answers as it did (with its job).
 */
function replay(job: GenerationJob, idempotency: Idempotency): GenerateImageResponseDto {
  if (job.idempotencyFingerprint !== null && job.idempotencyFingerprint !== idempotency.fingerprint) {
    throw new IdempotencyKeyReusedError(
      `Idempotency-Key ${JSON.stringify(idempotency.key)} was already used with a different request (job ${job.id}): use a new key for a new request`,
    );
  }
  return toGenerateResponse(job);
}

function toGenerateResponse(job: GenerationJob): GenerateImageResponseDto {
  const warnings = (job.parameters as { warnings?: string[] } | null)?.warnings;
  return definedOnly({
    success: true as const,
    jobId: job.id,
    status: job.status,
    statusUrl: imageStatusUrl(job.id),
    estimatedTime: job.estimatedTime,
    warnings,
  });
}
