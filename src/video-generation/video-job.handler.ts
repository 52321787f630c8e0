import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PreparedAsset } from '../assets/assets.service';
import { AssetsService } from '../assets/assets.service';
import { TemplatesService } from '../templates/templates.service';
import { ProviderError, ValidationError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import type { GenerationJob } from '../generated/prisma/client';
import { completeOrDiscard, saveResults } from '../generation-jobs/complete-or-discard';
import { GenerationJobsRepository, type JobStep } from '../jobs/generation-jobs.repository';
import { CANCELLED, type HandlerResult, type JobHandler } from '../jobs/job-handler';
import { createProviderWorkOnce } from '../jobs/provider-work';
import { assertInTime } from '../jobs/render-steps';
import { videoCost } from '../providers/pricing';
import type { VideoProviderName } from '../providers/provider-names';
import type { VideoGenerationRequest } from '../providers/video/video-models';
import type { GeneratedVideo, VideoProgress, VideoProvider } from '../providers/video/video-provider';
import { VideoProviderRegistry } from '../providers/video/video-provider.registry';
import { videoAssetInput } from './video-asset-input';
import type { VideoJobParameters } from './video-job-parameters';
import { EngineMetrics } from '../metrics/engine-metrics';

/** The steps a video job reports through currentStep/totalSteps, with the progress reached when each starts. */
export const VIDEO_STEPS = {
  submitting: { step: 1, progress: 5 },
  rendering: { step: 2, progress: 10 },
  storing: { step: 3, progress: 85 },
  done: { step: 4, progress: 100 },
} as const;

/** The job's progress while the provider renders: its 0-100 mapped onto the rendering step's share. */
export function renderingStep(providerProgress: number): JobStep {
  const { rendering, storing } = VIDEO_STEPS;
  const share = storing.progress - 5 - rendering.progress;
  return { step: rendering.step, progress: rendering.progress + Math.round((share * providerProgress) / 100) };
}

/** The variable that bounds an attempt of a video job. */
const VIDEO_TIMEOUT = 'VIDEO_JOB_TIMEOUT_MS';

const CONTENT_POLICY_CODES = /moderation|content_policy|safety/i;

/**
 * Renders a claimed video job (docs/ARCHITECTURE.md §4): the provider makes the video remotely, so the job
 * asks it to create the video once, records the provider's id before anything else, polls it to the end,
 * then stores the clip and completes in one statement. An attempt that finds an id on the job (a worker
 * that died while polling, a retried poll failure) resumes polling that id; one that finds a create sent but
 * no id (the worker died inside the create call) fails rather than risk a second, billed, video (a provider
 * whose create is repeatable, the placeholder, just creates again).
 * Every step is conditional on this attempt still owning the job, so a cancellation stores nothing.
 */
@Injectable()
export class VideoJobHandler implements JobHandler {
  readonly firstStep = VIDEO_STEPS.submitting;
  readonly totalSteps = VIDEO_STEPS.done.step;

  constructor(
    readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly providers: VideoProviderRegistry,
    readonly assets: AssetsService,
    readonly templates: TemplatesService,
    private readonly metrics: EngineMetrics,
  ) {}

  async run(job: GenerationJob): Promise<HandlerResult> {
    const deadline = AbortSignal.timeout(this.config.videoGeneration.timeoutMs);
    const parameters = job.parameters as unknown as VideoJobParameters;
    const provider = this.providers.get(job.provider as VideoProviderName);
    const request = await this.requestOf(job, parameters);
    const videoId = job.providerJobId ?? (await this.create(job, provider, request, deadline));
    if (videoId === null) return CANCELLED;
    if (!(await this.waitUntilRendered(job, provider, videoId, deadline))) {
      await provider.discard(videoId);
      return CANCELLED;
    }
    if (!(await this.jobs.advance(job.id, VIDEO_STEPS.storing))) return CANCELLED;
    const video = await provider.download(videoId, request, deadline);
    const cost = videoCost(this.config.pricing, request.model, parameters);
    const prepared = await this.prepare({ ...job, providerJobId: videoId }, parameters, video, cost);
    return completeOrDiscard(this.assets, [prepared], async () => {
      assertInTime(deadline, VIDEO_TIMEOUT);
      const completion = { step: VIDEO_STEPS.done, resultUrl: prepared.url, thumbnailUrl: prepared.thumbnailUrl, cost };
      return saveResults(this, job, completion, [prepared]);
    });
  }

  private async requestOf(job: GenerationJob, parameters: VideoJobParameters): Promise<VideoGenerationRequest> {
    const referenceImage =
      parameters.referenceAssetId === undefined
        ? undefined
        : await this.assets.readImageBytes(job.userId, parameters.referenceAssetId);
    const { size, seconds } = parameters;
    return { prompt: job.prompt, model: job.model as string, size, seconds, referenceImage };
  }

  /** The one create call of the job (createProviderWorkOnce); null when the job was cancelled meanwhile. */
  private create(
    job: GenerationJob,
    provider: VideoProvider,
    request: VideoGenerationRequest,
    deadline: AbortSignal,
  ): Promise<string | null> {
    return createProviderWorkOnce(this.jobs, job, {
      provider: provider.name,
      what: 'video',
      repeatable: provider.repeatableCreate,
      create: () =>
        this.metrics.timeProviderCall(provider.name, 'video_create', () => provider.create(request, deadline)),
      discard: (id) => provider.discard(id),
    });
  }

  /** Polls until the provider is done, reporting its progress; false when the job was cancelled meanwhile. */
  private async waitUntilRendered(
    job: GenerationJob,
    provider: VideoProvider,
    videoId: string,
    deadline: AbortSignal,
  ): Promise<boolean> {
    for (;;) {
      const state = await this.metrics.timeProviderCall(provider.name, 'video_poll', () =>
        provider.poll(videoId, deadline),
      );
      if (state.status === 'failed') throw renderingFailure(provider, videoId, state);
      if (!(await this.jobs.reportProgress(job.id, job.attempts, renderingStep(state.progress)))) return false;
      if (state.status === 'completed') return true;
      await sleep(state.pollAfterMs ?? this.config.videoGeneration.pollIntervalMs, undefined, {
        signal: deadline,
      }).catch(() => assertInTime(deadline, VIDEO_TIMEOUT));
    }
  }

  private async prepare(
    job: GenerationJob,
    parameters: VideoJobParameters,
    video: GeneratedVideo,
    cost: number | null,
  ): Promise<PreparedAsset> {
    try {
      return await this.assets.prepareAssetFiles(job.userId, videoAssetInput(job, parameters, video, cost));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ProviderError(`${job.provider} returned data that is not a usable video: ${error.message}`, true, {
        cause: error,
        provider: job.provider ?? undefined,
      });
    }
  }
}

function renderingFailure(provider: VideoProvider, videoId: string, state: VideoProgress): ProviderError {
  const reason = state.error?.message ?? 'no reason given';
  const contentPolicy = CONTENT_POLICY_CODES.test(state.error?.code ?? '');
  return new ProviderError(`${provider.name} could not make video ${videoId}: ${reason}`, false, {
    provider: provider.name,
    code: contentPolicy ? 'CONTENT_POLICY_VIOLATION' : undefined,
  });
}
