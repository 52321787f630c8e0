import { Injectable } from '@nestjs/common';
import { AssetsService, type PreparedAsset } from '../assets/assets.service';
import { TemplatesService } from '../templates/templates.service';
import { ProviderError, ValidationError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import type { GenerationJob } from '../generated/prisma/client';
import { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { completeOrDiscard, saveResults } from '../generation-jobs/complete-or-discard';
import { CANCELLED, type HandlerResult, type JobHandler } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';
import { AudioProviderRegistry } from '../providers/audio/audio-provider.registry';
import { audioCost } from '../providers/pricing';
import type { AudioProviderName } from '../providers/provider-names';
import { readAudioMetadata } from '../storage/media-probe';
import { audioAssetInput } from './audio-asset-input';
import { AUDIO_FORMAT_MIME_TYPES, type AudioJobParameters, toSpeechRequest } from './audio-job-parameters';
import { EngineMetrics } from '../metrics/engine-metrics';

/**
 * Renders a claimed audio_generation job (docs/ARCHITECTURE.md §4): the provider call, the file, then the
 * asset and the job's completion in one statement. Every step is a conditional transition on `processing`,
 * so a cancellation is noticed at the next step and leaves nothing stored. The cost is priced from the
 * duration read from the bytes, never from what the provider says.
 */
@Injectable()
export class AudioJobHandler implements JobHandler {
  readonly firstStep = RENDER_STEPS.generating;
  readonly totalSteps = RENDER_STEPS.done.step;

  constructor(
    readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly providers: AudioProviderRegistry,
    readonly assets: AssetsService,
    readonly templates: TemplatesService,
    private readonly metrics: EngineMetrics,
  ) {}

  async run(job: GenerationJob): Promise<HandlerResult> {
    const deadline = AbortSignal.timeout(this.config.imageGeneration.timeoutMs);
    const parameters = job.parameters as unknown as AudioJobParameters;
    const { provider, model } = this.providers.resolve({
      provider: job.provider as AudioProviderName,
      model: job.model ?? undefined,
    });
    const { bytes } = await this.metrics.timeProviderCall(provider.name, 'audio', () =>
      provider.synthesize(toSpeechRequest(job, model, parameters), deadline),
    );
    assertInTime(deadline, RENDER_TIMEOUT);
    const { prepared, cost } = await this.prepare(job, parameters, bytes, model);
    if (!prepared) return CANCELLED;
    return completeOrDiscard(this.assets, [prepared], async () => {
      assertInTime(deadline, RENDER_TIMEOUT);
      const completion = { step: RENDER_STEPS.done, resultUrl: prepared.url, thumbnailUrl: null, cost };
      return saveResults(this, job, completion, [prepared]);
    });
  }

  /**
   * Reads the duration from the bytes (refusing bytes that are not the requested format), prices it, and stores
   * the file with the `storing` step in the statement that records it; no file when the job was cancelled.
   */
  private async prepare(
    job: GenerationJob,
    parameters: AudioJobParameters,
    bytes: Buffer,
    model: string,
  ): Promise<{ prepared: PreparedAsset | null; cost: number | null }> {
    const { duration } = await readAudioMetadata(bytes, AUDIO_FORMAT_MIME_TYPES[parameters.format]).catch(
      (error: unknown) => {
        if (!(error instanceof ValidationError)) throw error;
        throw new ProviderError(
          `${job.provider} returned data that is not usable ${parameters.format} audio: ${error.message}`,
          true,
          { cause: error },
        );
      },
    );
    const cost = audioCost(this.config.pricing, model, { characters: job.prompt.length, durationSeconds: duration });
    return {
      prepared: await this.assets.prepareAssetFilesIf(
        job.userId,
        audioAssetInput(job, parameters, bytes, cost),
        this.jobs.advanceSql(job.id, RENDER_STEPS.storing),
      ),
      cost,
    };
  }
}
