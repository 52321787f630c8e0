import type { Job, Queue } from 'bull';
import type { AssetsService } from '../assets/assets.service';
import { ProviderError } from '../common/errors';
import type { EngineConfig } from '../config/engine-config';
import { GenerationJobProcessor } from '../jobs/generation-job.processor';
import type { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import type { ImageGenerationRequest, ImageGenerationResult } from '../providers/image/image-provider';
import type { ImageProviderRegistry } from '../providers/image/image-provider.registry';
import type { JobQueue } from '../queue/job-queue';
import { JOB_NAMES, retryDelayMs } from '../queue/queue.constants';
import type { TemplatesService } from '../templates/templates.service';
import { RENDER_STEPS } from '../jobs/render-steps';
import {
  COMPLETING,
  fakeJobAssets,
  fakeTemplates,
  InMemoryJobs,
  JOB_ID,
  resultsStatement,
  templateUseStatement,
} from '../../test/support/in-memory-jobs';
import { ImageJobHandler } from './image-job.handler';
import type { JobPreviews } from '../jobs/job-previews';
import { testMetrics } from '../../test/support/in-memory-jobs';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { CREATIVE_EVENTS, CreativeEvents } from '../events/creative-events';

function setUp(options: { generate?: (request: ImageGenerationRequest) => Promise<ImageGenerationResult> } = {}) {
  const jobs = new InMemoryJobs();
  const generate = jest.fn(options.generate ?? (async () => ({ images: [{ bytes: Buffer.from('png') }] })));
  const providers = {
    resolve: () => ({ provider: { name: 'openai', generate }, model: 'gpt-image-1' }),
  } as unknown as ImageProviderRegistry;
  const assets = fakeJobAssets(jobs);
  const templates = fakeTemplates();
  const config = {
    imageGeneration: { timeoutMs: 60_000 },
    pricing: { image: {}, text: {} },
    queue: { recoveryIntervalMs: 0 },
    worker: { enabled: false },
  } as unknown as EngineConfig;
  const repository = jobs as unknown as GenerationJobsRepository;
  const previews = {
    store: jest.fn(async () => undefined),
    clear: jest.fn(async () => undefined),
  } as unknown as JobPreviews;
  const emitter = new EventEmitter2();
  const processorMetrics = testMetrics();
  const events = new CreativeEvents(emitter);
  const handler = new ImageJobHandler(
    repository,
    config,
    providers,
    assets as unknown as AssetsService,
    templates as unknown as TemplatesService,
    testMetrics(),
    previews,
  );
  const processor = new GenerationJobProcessor(
    {} as Queue,
    config,
    repository,
    {} as JobQueue,
    {
      image_generation: handler,
      image_regeneration: handler,
      // Only the image kinds are dispatched here.
      image_edit: handler,
      image_upscale: handler,
      audio_generation: handler,
      video_generation: handler,
    },
    processorMetrics,
    events,
    previews,
  );
  const bullJob = (attemptsMade = 0, name = JOB_NAMES.image_generation) => {
    const job = {
      name,
      data: { jobId: JOB_ID },
      attemptsMade,
      opts: { attempts: 3 },
      discard: jest.fn(async () => undefined),
    };
    return job as typeof job & Job<{ jobId: string }>;
  };
  return { jobs, generate, assets, templates, processor, bullJob, emitter, processorMetrics };
}

describe('an attempt of an image job (processor → ImageJobHandler, repository in memory)', () => {
  it("completes only through completeWithAssets, storing the assets and the template's use in its statement", async () => {
    const { jobs, assets, templates, processor, bullJob } = setUp();
    jobs.add({ templateId: 'template-1' });
    await expect(processor.handle(bullJob())).resolves.toBe('completed');
    expect(jobs.transitions).toEqual(['claim', `advance:${RENDER_STEPS.storing.step}`, 'completeWithAssets']);
    expect(jobs.status()).toBe('completed');
    expect(assets.jobAssetWrites).toHaveBeenCalledWith(expect.objectContaining({ userId: 'user-1' }), [
      expect.objectContaining({ id: 'asset-1' }),
    ]);
    expect(templates.templateUseSql).toHaveBeenCalledWith(COMPLETING.templateId);
    expect(jobs.completionStatements).toEqual([
      resultsStatement([{ id: 'asset-1' }], COMPLETING.happened),
      templateUseStatement(COMPLETING.templateId),
    ]);
    expect(assets.discardPreparedAsset).not.toHaveBeenCalled();
  });

  it('announces the completed job and its assets from what its completing statement returned, with nothing read back', async () => {
    const { jobs, processor, bullJob, emitter } = setUp();
    jobs.add();
    const announced: unknown[] = [];
    emitter.on(CREATIVE_EVENTS.jobCompleted, (event) => announced.push(event));
    emitter.on(CREATIVE_EVENTS.assetCreated, (event) => announced.push(event));
    await expect(processor.handle(bullJob())).resolves.toBe('completed');
    expect(announced).toEqual([
      expect.objectContaining({ jobId: JOB_ID, userId: 'user-1', type: 'image_generation', assetIds: ['asset-1'] }),
      { assetId: 'asset-1', userId: 'user-1', type: 'image', sourceModule: 'image_generation', generationId: JOB_ID },
    ]);
  });

  it('a committed job stays completed when announcing it fails', async () => {
    const { jobs, processor, bullJob, processorMetrics } = setUp();
    jobs.add();
    jest.spyOn(processorMetrics, 'jobCompleted').mockImplementation(() => {
      throw new Error('metrics registry broken');
    });
    await expect(processor.handle(bullJob())).resolves.toBe('completed');
    expect(jobs.status()).toBe('completed');
  });

  it('does nothing for a duplicate attempt of a completed job', async () => {
    const { jobs, generate, assets, processor, bullJob } = setUp();
    jobs.add({ status: 'completed' });
    await expect(processor.handle(bullJob(1))).resolves.toBe('skipped');
    expect(jobs.transitions).toEqual([]);
    expect(generate).not.toHaveBeenCalled();
    expect(assets.prepareAssetFilesIf).not.toHaveBeenCalled();
  });

  it("rethrows a retryable provider error for Bull's retry, after its Retry-After, with the row back in queued", async () => {
    const error = new ProviderError('Rate limited', true, { retryAfterMs: 30_000 });
    const { jobs, processor, bullJob } = setUp({ generate: async () => Promise.reject(error) });
    jobs.add();
    const job = bullJob(0);
    await expect(processor.handle(job)).rejects.toBe(error);
    expect(job.discard).not.toHaveBeenCalled();
    expect(jobs.status()).toBe('queued');
    expect(jobs.rows.get(JOB_ID)?.errorMessage).toBe('Attempt 1 failed, will retry: Rate limited');
    expect(retryDelayMs(job.attemptsMade + 1, error, { baseMs: 1_000, maxMs: 60_000 })).toBe(30_000);
  });

  it('fails the job on the last attempt of a retryable error', async () => {
    const { jobs, processor, bullJob } = setUp({
      generate: async () => Promise.reject(new ProviderError('Upstream 503', true)),
    });
    jobs.add();
    await expect(processor.handle(bullJob(2))).rejects.toThrow('Upstream 503');
    expect(jobs.status()).toBe('failed');
    expect(jobs.rows.get(JOB_ID)?.errorMessage).toBe('Upstream 503');
  });

  it('fails at once with the message on a permanent error, and discards the Bull job so it is not retried', async () => {
    const { jobs, processor, bullJob } = setUp({
      generate: async () => Promise.reject(new ProviderError('Content policy violation', false)),
    });
    jobs.add();
    const job = bullJob(0);
    await expect(processor.handle(job)).rejects.toThrow('Content policy violation');
    expect(job.discard).toHaveBeenCalled();
    expect(jobs.transitions).toEqual(['claim', 'fail']);
    expect(jobs.rows.get(JOB_ID)?.errorMessage).toBe('Content policy violation');
  });

  it('stores nothing when the job is cancelled while the provider works', async () => {
    const setup = setUp({
      generate: async () => {
        await setup.jobs.cancel('user-1', JOB_ID);
        return { images: [{ bytes: Buffer.from('png') }] };
      },
    });
    setup.jobs.add();
    await expect(setup.processor.handle(setup.bullJob())).resolves.toBe('cancelled');
    expect(setup.jobs.status()).toBe('cancelled');
    // The storing step is the condition of the statement that records the files: it matched nothing.
    expect(setup.jobs.transitions).toEqual(['claim', 'cancel']);
    await expect(setup.assets.prepareAssetFilesIf.mock.results[0].value).resolves.toBeNull();
    expect(setup.assets.jobAssetWrites).not.toHaveBeenCalled();
    expect(setup.assets.discardPreparedAsset).not.toHaveBeenCalled();
  });

  it('moves to the storing step in the statement that records the first image’s files, and only there', async () => {
    const { jobs, assets, processor, bullJob } = setUp({
      generate: async () => ({ images: [{ bytes: Buffer.from('png') }, { bytes: Buffer.from('png2') }] }),
    });
    jobs.add({ parameters: { n: 2, size: '1024x1024' } });
    await expect(processor.handle(bullJob())).resolves.toBe('completed');
    const conditions = assets.prepareAssetFilesIf.mock.calls.map(([, , condition]) => condition);
    expect(conditions).toEqual([jobs.advanceSql(JOB_ID, RENDER_STEPS.storing), undefined]);
    expect(jobs.transitions).toEqual(['claim', `advance:${RENDER_STEPS.storing.step}`, 'completeWithAssets']);
  });

  it('deletes the files it wrote when the job is cancelled while they are stored', async () => {
    const { jobs, assets, processor, bullJob } = setUp();
    jobs.add();
    const prepare = assets.prepareAssetFilesIf.getMockImplementation()!;
    assets.prepareAssetFilesIf.mockImplementationOnce(async (userId, input, condition) => {
      const prepared = await prepare(userId, input, condition);
      await jobs.cancel('user-1', JOB_ID);
      return prepared;
    });
    await expect(processor.handle(bullJob())).resolves.toBe('cancelled');
    // The completing statement is where the cancellation is noticed: it completes nothing.
    expect(jobs.transitions).toEqual(['claim', `advance:${RENDER_STEPS.storing.step}`, 'cancel']);
    expect(jobs.status()).toBe('cancelled');
    expect(assets.discardPreparedAsset).toHaveBeenCalledWith(
      expect.objectContaining({ storedFiles: [expect.objectContaining({ key: 'key-1' })] }),
    );
  });

  it('records nothing and retries nothing when an attempt fails after the job was cancelled', async () => {
    const setup = setUp({
      generate: async () => {
        await setup.jobs.cancel('user-1', JOB_ID);
        throw new ProviderError('Upstream 503', true);
      },
    });
    setup.jobs.add();
    await expect(setup.processor.handle(setup.bullJob())).resolves.toBe('cancelled');
    expect(setup.jobs.status()).toBe('cancelled');
  });

  it('dispatches a regeneration to its handler, and refuses a job name it does not know for good', async () => {
    const { jobs, processor, bullJob } = setUp();
    jobs.add({ type: 'image_regeneration' });
    await expect(processor.handle(bullJob(0, JOB_NAMES.image_regeneration))).resolves.toBe('completed');
    const unknown = bullJob(0, 'sharpen-image');
    await expect(processor.handle(unknown)).rejects.toThrow('No handler for job "sharpen-image"');
    expect(unknown.discard).toHaveBeenCalled();
  });
});
