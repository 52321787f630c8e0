import { Injectable, Logger } from '@nestjs/common';
import type { PreparedAsset } from '../assets/assets.service';
import { AssetsService } from '../assets/assets.service';
import { DomainError, ProviderError, ValidationError } from '../common/errors';
import { truncate } from '../common/text';
import { EngineConfig, ImageProviderName } from '../config/engine-config';
import { GenerationJob, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { GeneratedImage, ImageGenerationResult } from '../providers/image/image-provider';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { imageCost } from '../providers/pricing';
import { TemplatesService } from '../templates/templates.service';
import { ImageJobParameters, toProviderRequest } from './image-job-parameters';

export const IMAGE_SOURCE_MODULE = 'image_generation';

/** The steps a job reports through currentStep/totalSteps, with the progress reached when each starts. */
const STEPS = {
  generating: { step: 1, progress: 10 },
  storing: { step: 2, progress: 60 },
  saving: { step: 3, progress: 90 },
  done: { step: 4, progress: 100 },
} as const;
const TOTAL_STEPS = 4;

const TITLE_LENGTH = 120;

export interface AttemptInfo {
  /** Attempts that already failed (Bull's attemptsMade). */
  attemptsMade: number;
  maxAttempts: number;
}

export type RunOutcome = 'completed' | 'cancelled' | 'skipped';

/** Thrown inside the completion transaction to roll it back when the job is no longer ours to complete. */
class JobNoLongerRunning extends Error {}

/**
 * Runs one attempt of an image job (docs/ARCHITECTURE.md §4). The DB row is the state of record: every step is a
 * conditional update on `status = processing`, so a cancellation is noticed at the next step, and the
 * completion (assets + job) is one transaction that only one attempt can win.
 */
@Injectable()
export class ImageGenerationRunner {
  private readonly logger = new Logger(ImageGenerationRunner.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: EngineConfig,
    private readonly providers: ImageProviderRegistry,
    private readonly assets: AssetsService,
    private readonly templates: TemplatesService,
  ) {}

  /** Throws a ProviderError when the attempt failed; `retryable` says whether the queue should try again. */
  async run(jobId: string, attempt: AttemptInfo): Promise<RunOutcome> {
    const job = await this.start(jobId);
    if (!job) return 'skipped';
    try {
      return await this.process(job);
    } catch (error) {
      const failure = toProviderFailure(error);
      const final = !failure.retryable || attempt.attemptsMade + 1 >= attempt.maxAttempts;
      const recorded = await this.recordFailure(job, failure, final, attempt.attemptsMade + 1);
      // A job cancelled meanwhile is done: nothing to retry, nothing to report.
      if (!recorded) return 'cancelled';
      throw failure;
    }
  }

  /** Fails a job the queue gave up on without running it to an end; a finished job is left alone. */
  async abandon(jobId: string, reason: string): Promise<void> {
    await this.prisma.generationJob.updateMany({
      where: { id: jobId, status: { in: ['queued', 'processing'] } },
      data: { status: 'failed', errorMessage: reason, completedAt: new Date() },
    });
  }

  /**
   * queued/processing → processing (a stalled job comes back as processing) in one conditional UPDATE that
   * returns the claimed row; a missing or finished job is skipped. startedAt keeps the first attempt's time.
   */
  private async start(jobId: string): Promise<GenerationJob | null> {
    const now = new Date();
    const [job] = await this.prisma.$queryRaw<GenerationJob[]>`
      UPDATE "generation_jobs"
      SET "status" = 'processing', "startedAt" = COALESCE("startedAt", ${now}::timestamptz), "attempts" = "attempts" + 1,
          "progress" = ${STEPS.generating.progress}, "currentStep" = ${STEPS.generating.step}, "totalSteps" = ${TOTAL_STEPS},
          "updatedAt" = ${now}::timestamptz
      WHERE id = ${jobId}::uuid AND "status" IN ('queued', 'processing')
      RETURNING *`;
    return job ?? null;
  }

  private async process(job: GenerationJob): Promise<RunOutcome> {
    const deadline = AbortSignal.timeout(this.config.imageGeneration.timeoutMs);
    const parameters = job.parameters as unknown as ImageJobParameters;
    const { provider, model } = this.providers.resolve({ provider: job.provider as ImageProviderName, model: job.model ?? undefined });
    const result = await provider.generate(toProviderRequest({ ...job, model }, parameters), deadline);
    assertInTime(deadline);
    if (!(await this.advance(job.id, STEPS.storing))) return 'cancelled';

    const cost = imageCost(this.config.pricing, model, {
      size: parameters.size,
      quality: parameters.quality,
      count: result.images.length,
      usage: result.usage,
    });
    const prepared = await this.prepareAll(job, parameters, result, cost);
    try {
      assertInTime(deadline);
      if (!(await this.advance(job.id, STEPS.saving))) {
        await this.discard(prepared);
        return 'cancelled';
      }
      await this.complete(job, prepared, cost);
      return 'completed';
    } catch (error) {
      await this.discard(prepared);
      if (error instanceof JobNoLongerRunning) return 'cancelled';
      throw error;
    }
  }

  /** Stores every image and its thumbnail; on any failure the files already written are removed. */
  private async prepareAll(
    job: GenerationJob,
    parameters: ImageJobParameters,
    result: ImageGenerationResult,
    cost: number | null,
  ): Promise<PreparedAsset[]> {
    const prepared: PreparedAsset[] = [];
    try {
      for (const [index, image] of result.images.entries()) {
        prepared.push(await this.assets.prepareAssetFiles(this.assetInput(job, parameters, image, index, result.images.length, cost)));
      }
      return prepared;
    } catch (error) {
      await this.discard(prepared);
      if (error instanceof ValidationError) {
        throw new ProviderError(`${job.provider} returned data that is not a usable image: ${error.message}`, true, { cause: error });
      }
      throw error;
    }
  }

  private assetInput(job: GenerationJob, parameters: ImageJobParameters, image: GeneratedImage, index: number, count: number, cost: number | null) {
    const baseTitle = parameters.title ?? truncate(job.prompt, TITLE_LENGTH);
    const { title: _title, category, tags, variables: _variables, ...providerParameters } = parameters;
    return {
      type: 'image' as const,
      sourceModule: IMAGE_SOURCE_MODULE,
      title: count > 1 ? `${baseTitle} (${index + 1}/${count})` : baseTitle,
      bytes: image.bytes,
      prompt: job.prompt,
      negativePrompt: job.negativePrompt ?? undefined,
      category,
      tags,
      provider: job.provider ?? undefined,
      model: job.model ?? undefined,
      cost: cost === null ? undefined : Math.round((cost / count) * 1_000_000) / 1_000_000,
      generationTimeMs: job.startedAt ? Date.now() - job.startedAt.getTime() : undefined,
      parameters: providerParameters as Record<string, unknown>,
      seed: image.seed ?? parameters.seed,
      steps: parameters.steps,
      guidance: parameters.guidance,
      generationId: job.id,
      parentAssetId: job.parentAssetId ?? undefined,
      metadata: {
        ...(image.revisedPrompt && { revisedPrompt: image.revisedPrompt }),
        // The placeholder provider draws locally: say so, so nobody takes its output for a real generation.
        ...(job.provider === 'placeholder' && { placeholder: true }),
      },
    };
  }

  /**
   * Creates the assets and completes the job atomically; only an attempt that still owns the job can.
   * The claim is one UPDATE (status check, no assets stored yet, current templateId returned) to keep the
   * transaction's round trips, and so the time the row stays locked, to a minimum.
   */
  private async complete(job: GenerationJob, prepared: PreparedAsset[], cost: number | null): Promise<void> {
    const completedAt = new Date();
    await this.prisma.$transaction(async (tx) => {
      // The row lock taken here makes a concurrent attempt (a stalled worker that woke up) wait, then match nothing.
      const [claimed] = await tx.$queryRaw<Pick<GenerationJob, 'templateId'>[]>`
        UPDATE "generation_jobs"
        SET "status" = 'completed', "progress" = ${STEPS.done.progress}, "currentStep" = ${STEPS.done.step},
            "resultUrl" = ${prepared[0]?.url ?? null}, "thumbnailUrl" = ${prepared[0]?.thumbnailUrl ?? null},
            "cost" = ${cost === null ? null : new Prisma.Decimal(cost)}::numeric, "errorMessage" = NULL,
            "completedAt" = ${completedAt}::timestamptz, "updatedAt" = ${completedAt}::timestamptz,
            "actualTime" = ${completedAt.getTime() - (job.startedAt ?? completedAt).getTime()}
        WHERE id = ${job.id}::uuid AND "status" = 'processing'
          AND NOT EXISTS (SELECT 1 FROM "creative_assets" WHERE "generationId" = ${job.id}::uuid)
        RETURNING "templateId"`;
      if (!claimed) throw new JobNoLongerRunning();
      for (const asset of prepared) await this.assets.createPreparedAsset(job.userId, asset, tx);
      if (claimed.templateId) await this.templates.recordTemplateUse(claimed.templateId, tx);
    });
  }

  /** Moves to the next step; false when the job is no longer processing (cancelled). */
  private async advance(jobId: string, step: { step: number; progress: number }): Promise<boolean> {
    const { count } = await this.prisma.generationJob.updateMany({
      where: { id: jobId, status: 'processing' },
      data: { currentStep: step.step, progress: step.progress },
    });
    return count > 0;
  }

  /**
   * A final failure fails the job; otherwise it goes back to queued until the retry. Returns false when
   * the job was no longer processing (cancelled meanwhile), so nothing was recorded.
   */
  private async recordFailure(job: GenerationJob, failure: ProviderError, final: boolean, attemptNumber: number): Promise<boolean> {
    const now = new Date();
    const { count } = await this.prisma.generationJob.updateMany({
      where: { id: job.id, status: 'processing' },
      data: final
        ? {
            status: 'failed',
            errorMessage: failure.message,
            completedAt: now,
            actualTime: now.getTime() - (job.startedAt ?? now).getTime(),
          }
        : {
            status: 'queued',
            errorMessage: `Attempt ${attemptNumber} failed, will retry: ${failure.message}`,
            progress: 0,
            currentStep: null,
          },
    });
    if (count > 0) this.logger.warn(`Image job ${job.id} attempt ${attemptNumber} failed${final ? ' (final)' : ''}: ${failure.message}`);
    return count > 0;
  }

  private async discard(prepared: PreparedAsset[]): Promise<void> {
    await Promise.all(prepared.map((asset) => this.assets.discardPreparedAsset(asset)));
  }
}

function assertInTime(deadline: AbortSignal): void {
  if (deadline.aborted) throw new ProviderError('The job did not finish within IMAGE_JOB_TIMEOUT_MS', true);
}

/**
 * Every failure as a ProviderError with its retry decision: provider failures keep theirs, other domain
 * errors (bad stored input, provider no longer configured, file too large) are permanent, and anything
 * unexpected (database or storage hiccup) is worth another try.
 */
function toProviderFailure(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DomainError) return new ProviderError(message, false, { cause: error, code: error.code });
  return new ProviderError(`Unexpected error: ${message}`, true, { cause: error });
}
