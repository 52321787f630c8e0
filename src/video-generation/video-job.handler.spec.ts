import type { TemplatesService } from '../templates/templates.service';
import type { AssetsService } from '../assets/assets.service';
import { ProviderError } from '../common/errors';
import type { EngineConfig } from '../config/engine-config';
import type { GenerationJob } from '../generated/prisma/client';
import type { CompletedJob, GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { DEFAULT_PRICING } from '../providers/pricing';
import type { VideoProgress, VideoProvider } from '../providers/video/video-provider';
import type { VideoProviderRegistry } from '../providers/video/video-provider.registry';
import { renderingStep, VideoJobHandler } from './video-job.handler';
import { testMetrics } from '../../test/support/in-memory-jobs';

/** What the repository answers a completion with: the job and the asset it created. */
const COMPLETED: CompletedJob = {
  id: 'job-1',
  userId: 'user-1',
  type: 'video_generation',
  provider: 'openai',
  model: 'sora-2',
  cost: null,
  actualTime: 1_000,
  assets: [{ id: 'asset-1', userId: 'user-1', type: 'video', sourceModule: 'video_generation', generationId: 'job-1' }],
};

describe('VideoJobHandler', () => {
  const job = (overrides: Partial<GenerationJob> = {}) =>
    ({
      id: 'job-1',
      userId: 'user-1',
      prompt: 'A boat',
      negativePrompt: null,
      provider: 'openai',
      model: 'sora-2',
      parameters: { size: '1280x720', seconds: 4 },
      attempts: 1,
      providerJobId: null,
      providerRequestedAt: null,
      startedAt: null,
      parentAssetId: null,
      ...overrides,
    }) as GenerationJob;

  function setUp(create: () => Promise<string>) {
    const states: VideoProgress[] = [{ status: 'completed', progress: 100 }];
    const provider = {
      name: 'openai',
      repeatableCreate: false,
      create: jest.fn(create),
      poll: jest.fn(() => Promise.resolve(states.shift() ?? { status: 'completed', progress: 100 })),
      download: jest.fn(() => Promise.resolve({ bytes: Buffer.from('video') })),
      discard: jest.fn(() => Promise.resolve()),
    } as unknown as VideoProvider & Record<'create' | 'poll' | 'download' | 'discard', jest.Mock>;
    const jobs = {
      recordProviderRequest: jest.fn(() => Promise.resolve(true)),
      withdrawProviderRequest: jest.fn(() => Promise.resolve()),
      recordProviderJobId: jest.fn(() => Promise.resolve(true)),
      reportProgress: jest.fn(() => Promise.resolve(true)),
      advance: jest.fn(() => Promise.resolve(true)),
      completeWithAssets: jest.fn(() => Promise.resolve(COMPLETED)),
    };
    const assets = {
      prepareAssetFiles: jest.fn(() => Promise.resolve({ id: 'asset-1', url: '/a', thumbnailUrl: null })),
      jobAssetWrites: jest.fn(() => Promise.resolve({ assets: [], statements: () => [] })),
      discardPreparedAsset: jest.fn(() => Promise.resolve()),
    };
    const config = {
      videoGeneration: { timeoutMs: 60_000, pollIntervalMs: 1 },
      pricing: DEFAULT_PRICING,
    } as unknown as EngineConfig;
    const registry = { get: () => provider } as unknown as VideoProviderRegistry;
    const handler = new VideoJobHandler(
      jobs as unknown as GenerationJobsRepository,
      config,
      registry,
      assets as unknown as AssetsService,
      { templateUseSql: jest.fn() } as unknown as TemplatesService,
      testMetrics(),
    );
    return { handler, provider, jobs, states };
  }

  it('creates once, records the id before polling, and completes', async () => {
    const { handler, provider, jobs, states } = setUp(() => Promise.resolve('video_1'));
    states.unshift({ status: 'in_progress', progress: 50 });
    await expect(handler.run(job())).resolves.toEqual({ status: 'completed', job: COMPLETED });
    expect(provider.create).toHaveBeenCalledTimes(1);
    expect(jobs.recordProviderRequest).toHaveBeenCalledWith('job-1', 1);
    expect(jobs.recordProviderJobId).toHaveBeenCalledWith('job-1', 1, 'video_1');
    expect(jobs.recordProviderJobId.mock.invocationCallOrder[0]).toBeLessThan(
      provider.poll.mock.invocationCallOrder[0],
    );
    expect(jobs.reportProgress).toHaveBeenCalledWith('job-1', 1, renderingStep(50));
  });

  it('resumes polling the recorded video of an earlier attempt, never creating another', async () => {
    const { handler, provider, jobs } = setUp(() => Promise.resolve('video_2'));
    await expect(handler.run(job({ providerJobId: 'video_1', attempts: 2 }))).resolves.toEqual({
      status: 'completed',
      job: COMPLETED,
    });
    expect(provider.create).not.toHaveBeenCalled();
    expect(jobs.recordProviderRequest).not.toHaveBeenCalled();
    expect(provider.poll).toHaveBeenCalledWith('video_1', expect.anything());
  });

  it('fails for good, without a create, when an earlier attempt sent one and stopped before recording its id', async () => {
    const { handler, provider } = setUp(() => Promise.resolve('video_2'));
    const lost = job({ attempts: 2, providerRequestedAt: new Date('2026-12-01T00:00:00Z') });
    await expect(handler.run(lost)).rejects.toMatchObject({ retryable: false });
    expect(provider.create).not.toHaveBeenCalled();

    // Where creating again costs nothing (the placeholder), the lost create is simply made again.
    const local = setUp(() => Promise.resolve('placeholder-video-1'));
    Object.assign(local.provider, { repeatableCreate: true });
    await expect(local.handler.run(lost)).resolves.toEqual({ status: 'completed', job: COMPLETED });
    expect(local.provider.create).toHaveBeenCalledTimes(1);
  });

  it('withdraws the request when the provider refused it, and keeps it when the call may have gone through', async () => {
    const refused = setUp(() => Promise.reject(new ProviderError('429', true, { refused: true })));
    await expect(refused.handler.run(job())).rejects.toMatchObject({ retryable: true });
    expect(refused.jobs.withdrawProviderRequest).toHaveBeenCalledWith('job-1', 1);

    const unanswered = setUp(() => Promise.reject(new ProviderError('timed out', true)));
    await expect(unanswered.handler.run(job())).rejects.toMatchObject({ retryable: true });
    expect(unanswered.jobs.withdrawProviderRequest).not.toHaveBeenCalled();
  });

  it('stops polling and discards the video when the job was cancelled', async () => {
    const { handler, provider, jobs, states } = setUp(() => Promise.resolve('video_1'));
    states.unshift({ status: 'in_progress', progress: 20 });
    jobs.reportProgress.mockResolvedValueOnce(false);
    await expect(handler.run(job())).resolves.toEqual({ status: 'cancelled' });
    expect(provider.discard).toHaveBeenCalledWith('video_1');
    expect(provider.download).not.toHaveBeenCalled();
  });

  it('maps the provider progress onto the rendering step (10-80)', () => {
    expect([0, 50, 100].map((progress) => renderingStep(progress).progress)).toEqual([10, 45, 80]);
  });
});
