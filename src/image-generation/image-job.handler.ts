import { Injectable } from '@nestjs/common';
import type { PreparedAsset } from '../assets/assets.service';
import { AssetsService } from '../assets/assets.service';
import { ProviderError, ValidationError } from '../common/errors';
import { EngineConfig, ImageProviderName } from '../config/engine-config';
import { GenerationJob } from '../generated/prisma/client';
import { completeOrDiscard } from '../generation-jobs/complete-or-discard';
import { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import type { JobHandler } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';
import type { ImageGenerationResult } from '../providers/image/image-provider';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { imageCost } from '../providers/pricing';
import { TemplatesService } from '../templates/templates.service';
import { imageAssetInput } from './image-asset-input';
import { ImageJobParameters, toProviderRequest } from './image-job-parameters';
import { EngineMetrics } from '../metrics/engine-metrics';

/**
 * Renders a claimed image job (docs/ARCHITECTURE.md §4): the provider call, the files, then the assets and
 * the job's completion in one transaction. Every step is a conditional transition on `processing`, so a
 * cancellation is noticed at the next step and leaves nothing stored. Generations and regenerations
 * differ only in how their request was drafted; once recorded they render the same way.
 */
@Injectable()
export class ImageJobHandler implements JobHandler {
  readonly firstStep = RENDER_STEPS.generating;
  readonly totalSteps = RENDER_STEPS.done.step;

  constructor(
    private readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly providers: ImageProviderRegistry,
    private readonly assets: AssetsService,
    private readonly templates: TemplatesService,
    private readonly metrics: EngineMetrics,
  ) {}

  async run(job: GenerationJob): Promise<'completed' | 'cancelled'> {
    const deadline = AbortSignal.timeout(this.config.imageGeneration.timeoutMs);
    const parameters = job.parameters as unknown as ImageJobParameters;
    const { model, result } = await this.generate(job, parameters, deadline);
    if (!(await this.jobs.advance(job.id, RENDER_STEPS.storing))) return 'cancelled';

    const cost = imageCost(this.config.pricing, model, {
      size: parameters.size,
      quality: parameters.quality,
      count: result.images.length,
      usage: result.usage,
    });
    const prepared = await this.prepareAll(job, parameters, result, cost);
    return completeOrDiscard(this.assets, prepared, async () => {
      assertInTime(deadline, RENDER_TIMEOUT);
      return (await this.jobs.advance(job.id, RENDER_STEPS.saving)) && (await this.complete(job, prepared, cost));
    });
  }

  private async generate(job: GenerationJob, parameters: ImageJobParameters, deadline: AbortSignal) {
    const { provider, model } = this.providers.resolve({
      provider: job.provider as ImageProviderName,
      model: job.model ?? undefined,
    });
    const result = await this.metrics.timeProviderCall(provider.name, 'image', () =>
      provider.generate(toProviderRequest({ ...job, model }, parameters), deadline),
    );
    assertInTime(deadline, RENDER_TIMEOUT);
    return { model, result };
  }

  /** Stores every image and its thumbnail; on any failure the files already written are removed. */
  private async prepareAll(
    job: GenerationJob,
    parameters: ImageJobParameters,
    result: ImageGenerationResult,
    cost: number | null,
  ): Promise<PreparedAsset[]> {
    const prepared: PreparedAsset[] = [];
    const count = result.images.length;
    try {
      for (const [index, image] of result.images.entries()) {
        prepared.push(
          await this.assets.prepareAssetFiles(
            job.userId,
            imageAssetInput(job, parameters, image, { index, count }, cost),
          ),
        );
      }
      return prepared;
    } catch (error) {
      await this.discard(prepared);
      if (error instanceof ValidationError) {
        throw new ProviderError(`${job.provider} returned data that is not a usable image: ${error.message}`, true, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Creates the assets and completes the job atomically; false when the job is no longer this attempt's to complete. */
  private complete(job: GenerationJob, prepared: PreparedAsset[], cost: number | null): Promise<boolean> {
    const completion = {
      step: RENDER_STEPS.done,
      resultUrl: prepared[0]?.url ?? null,
      thumbnailUrl: prepared[0]?.thumbnailUrl ?? null,
      cost,
    };
    return this.jobs.completeWithAssets(job, completion, async (tx, templateId) => {
      for (const asset of prepared) await this.assets.createPreparedAsset(job.userId, asset, tx);
      if (templateId) await this.templates.recordTemplateUse(templateId, tx);
    });
  }

  private async discard(prepared: PreparedAsset[]): Promise<void> {
    await Promise.all(prepared.map((asset) => this.assets.discardPreparedAsset(asset)));
  }
}
