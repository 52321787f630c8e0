import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import { EngineConfig, ImageProviderName } from '../config/engine-config';
import { GenerationJob } from '../generated/prisma/client';
import { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import type { HandlerResult, JobHandler } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { imageCost } from '../providers/pricing';
import { TemplatesService } from '../templates/templates.service';
import { imageAssetInput } from './image-asset-input';
import { storeImagesAndComplete } from './image-job-results';
import { ImageJobParameters, toProviderRequest } from './image-job-parameters';
import { EngineMetrics } from '../metrics/engine-metrics';
import { JobPreviews } from '../jobs/job-previews';

/**
 * Renders a claimed image job (docs/ARCHITECTURE.md §4): the provider call, the files, then the assets and
 * the job's completion in one statement. Every step is a conditional transition on `processing`, so a
 * cancellation is noticed at the next step and leaves nothing stored. Generations and regenerations
 * differ only in how their request was drafted; once recorded they render the same way.
 */
@Injectable()
export class ImageJobHandler implements JobHandler {
  readonly firstStep = RENDER_STEPS.generating;
  readonly totalSteps = RENDER_STEPS.done.step;

  constructor(
    readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly providers: ImageProviderRegistry,
    readonly assets: AssetsService,
    readonly templates: TemplatesService,
    private readonly metrics: EngineMetrics,
    private readonly previews: JobPreviews,
  ) {}

  /** Renders the job; the partial images a streaming job stored go when it ends, however it ends. */
  async run(job: GenerationJob): Promise<HandlerResult> {
    const parameters = job.parameters as unknown as ImageJobParameters;
    if (!parameters.partialImages) return this.render(job, parameters);
    try {
      return await this.render(job, parameters);
    } finally {
      await this.previews.clear(job.id);
    }
  }

  private async render(job: GenerationJob, parameters: ImageJobParameters): Promise<HandlerResult> {
    const deadline = AbortSignal.timeout(this.config.imageGeneration.timeoutMs);
    const { model, result } = await this.generate(job, parameters, deadline);

    const cost = imageCost(this.config.pricing, model, {
      size: parameters.size,
      quality: parameters.quality,
      count: result.images.length,
      usage: result.usage,
    });
    const count = result.images.length;
    const inputs = result.images.map((image, index) => imageAssetInput(job, parameters, image, { index, count }, cost));
    return storeImagesAndComplete(this, job, inputs, cost, deadline);
  }

  private async generate(job: GenerationJob, parameters: ImageJobParameters, deadline: AbortSignal) {
    const { provider, model } = this.providers.resolve({
      provider: job.provider as ImageProviderName,
      model: job.model ?? undefined,
    });
    const result = await this.metrics.timeProviderCall(provider.name, 'image', () =>
      provider.generate(toProviderRequest({ ...job, model }, parameters), deadline, (index, bytes) =>
        this.previews.store(job.id, index, bytes),
      ),
    );
    assertInTime(deadline, RENDER_TIMEOUT);
    return { model, result };
  }
}
