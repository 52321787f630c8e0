import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import type { SaveAssetInput } from '../assets/save-asset-input';
import { ProviderError } from '../common/errors';
import { EngineConfig, ImageProviderName } from '../config/engine-config';
import { GenerationJob } from '../generated/prisma/client';
import { imageAssetInput } from '../image-generation/image-asset-input';
import type { ImageJobParameters } from '../image-generation/image-job-parameters';
import { storeImagesAndComplete } from '../image-generation/image-job-results';
import { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { CANCELLED, type HandlerResult, type JobHandler } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';
import { EngineMetrics } from '../metrics/engine-metrics';
import { JobPreviews } from '../jobs/job-previews';
import type {
  EditOperation,
  ImageGenerationResult,
  ImageProvider,
  ImageUpscaleRequest,
  SourceImage,
} from '../providers/image/image-provider';
import { createProviderWorkOnce } from '../jobs/provider-work';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import { imageCost } from '../providers/pricing';
import { STUDIO_SOURCE_MODULE, type StudioJobParameters } from './studio-job-parameters';

/**
 * Renders a claimed edit or upscale job (docs/ARCHITECTURE.md §4): reads the source, mask and references (the
 * caller must still be able to see them), calls the provider, then stores the results and completes the job
 * in one statement like an image generation. Each result names its source (parentAssetId) and how it came
 * from it (metadata.operation and the parameters).
 */
@Injectable()
export class ImageStudioJobHandler implements JobHandler {
  readonly firstStep = RENDER_STEPS.generating;
  readonly totalSteps = RENDER_STEPS.done.step;

  constructor(
    readonly jobs: GenerationJobsRepository,
    readonly assets: AssetsService,
    private readonly config: EngineConfig,
    private readonly providers: ImageProviderRegistry,
    private readonly metrics: EngineMetrics,
    private readonly previews: JobPreviews,
  ) {}

  /** Renders the job; the partial images a streaming edit stored go when it ends, however it ends. */
  async run(job: GenerationJob): Promise<HandlerResult> {
    const parameters = job.parameters as unknown as StudioJobParameters;
    if (!parameters.partialImages) return this.renderJob(job, parameters);
    try {
      return await this.renderJob(job, parameters);
    } finally {
      await this.previews.clear(job.id);
    }
  }

  private async renderJob(job: GenerationJob, parameters: StudioJobParameters): Promise<HandlerResult> {
    const deadline = AbortSignal.timeout(this.config.imageGeneration.timeoutMs);
    const { provider, model } = this.providers.resolve({
      provider: job.provider as ImageProviderName,
      model: job.model ?? undefined,
    });
    const result = await this.render(job, parameters, provider, model, deadline);
    if (!result) return CANCELLED;
    assertInTime(deadline, RENDER_TIMEOUT);

    const cost = imageCost(this.config.pricing, model, {
      size: parameters.size,
      quality: parameters.quality,
      count: result.images.length,
      usage: result.usage,
    });
    const count = result.images.length;
    const inputs = result.images.map((image, index) =>
      studioAssetInput(
        imageAssetInput(job, parameters as unknown as ImageJobParameters, image, { index, count }, cost),
        parameters,
      ),
    );
    return storeImagesAndComplete(this, job, inputs, cost, deadline);
  }

  private async render(
    job: GenerationJob,
    parameters: StudioJobParameters,
    provider: ImageProvider,
    model: string,
    signal: AbortSignal,
  ): Promise<ImageGenerationResult | null> {
    const source = await this.image(job, job.parentAssetId);
    if (parameters.operation === 'upscale') {
      const request: ImageUpscaleRequest = {
        mode: parameters.mode ?? 'fast',
        model,
        source,
        prompt: job.prompt || undefined,
        outputFormat: parameters.outputFormat,
      };
      if (provider.remoteUpscaleModes?.includes(request.mode))
        return this.upscaleRemotely(job, provider, request, signal);
      if (!provider.upscale) throw new ProviderError(`${provider.name} cannot upscale`, false);
      const upscale = provider.upscale.bind(provider);
      return this.metrics.timeProviderCall(provider.name, 'image_upscale', () => upscale(request, signal));
    }
    if (!provider.edit) throw new ProviderError(`${provider.name} cannot edit images`, false);
    const edit = provider.edit.bind(provider);
    const mask = parameters.maskAssetId ? await this.image(job, parameters.maskAssetId) : undefined;
    const references: SourceImage[] = [];
    for (const id of parameters.referenceAssetIds ?? []) references.push(await this.image(job, id));
    return this.metrics.timeProviderCall(provider.name, 'image_edit', () =>
      edit(
        {
          ...parameters,
          operation: parameters.operation as EditOperation,
          prompt: job.prompt,
          model,
          source,
          mask,
          references,
        },
        signal,
        (index, bytes) => this.previews.store(job.id, index, bytes),
      ),
    );
  }

  /**
   * An upscale rendered at the provider (Stability creative): created once, its id recorded on the job before
   * the first poll (createProviderWorkOnce), then polled; a restarted worker finds the id and only polls.
   */
  private async upscaleRemotely(
    job: GenerationJob,
    provider: ImageProvider,
    request: ImageUpscaleRequest,
    signal: AbortSignal,
  ): Promise<ImageGenerationResult | null> {
    const { startUpscale, pollUpscale } = provider;
    if (!startUpscale || !pollUpscale) throw new ProviderError(`${provider.name} cannot upscale remotely`, false);
    const id =
      job.providerJobId ??
      (await createProviderWorkOnce(this.jobs, job, {
        provider: provider.name,
        what: 'upscale',
        repeatable: false,
        create: () =>
          this.metrics.timeProviderCall(provider.name, 'image_upscale', () =>
            startUpscale.call(provider, request, signal),
          ),
        // Stability keeps a result for a day and has no way to delete it.
        discard: async () => undefined,
      }));
    if (id === null) return null;
    for (;;) {
      const state = await this.metrics.timeProviderCall(provider.name, 'image_upscale', () =>
        pollUpscale.call(provider, id, signal),
      );
      if (state.done) return { images: [state.image] };
      if (!(await this.jobs.reportProgress(job.id, job.attempts, RENDER_STEPS.generating))) return null;
      await sleep(state.pollAfterMs ?? this.config.imageGeneration.pollIntervalMs, undefined, { signal }).catch(() =>
        assertInTime(signal, RENDER_TIMEOUT),
      );
    }
  }

  /** An input image the job's owner can still see (a source made private meanwhile fails the job: 404). */
  private image(job: GenerationJob, assetId: string | null): Promise<SourceImage> {
    if (!assetId) throw new ProviderError(`Job ${job.id} has no source image`, false);
    return this.assets.readImageBytes(job.userId, assetId);
  }
}

/** An edited or upscaled image as the library keeps it: from the studio, with the operation that made it. */
function studioAssetInput(base: SaveAssetInput, parameters: StudioJobParameters): SaveAssetInput {
  const { title: _title, category: _category, tags: _tags, warnings: _warnings, ...operationParameters } = parameters;
  return {
    ...base,
    sourceModule: STUDIO_SOURCE_MODULE,
    metadata: { ...base.metadata, operation: parameters.operation, parameters: operationParameters },
  };
}
