import type { TemplatesService } from '../templates/templates.service';
import type { AssetsService } from '../assets/assets.service';
import { ProviderError } from '../common/errors';
import type { EngineConfig } from '../config/engine-config';
import type { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { RENDER_STEPS } from '../jobs/render-steps';
import type { AudioGenerationRequest } from '../providers/audio/audio-models';
import type { AudioProviderRegistry } from '../providers/audio/audio-provider.registry';
import { DEFAULT_PRICING } from '../providers/pricing';
import { MP3_FRAME, silentMp3, silentWav } from '../../test/support/audio-bytes';
import { AudioJobHandler } from './audio-job.handler';
import {
  COMPLETING,
  fakeJobAssets,
  fakeTemplates,
  InMemoryJobs,
  JOB_ID,
  resultsStatement,
  testMetrics,
} from '../../test/support/in-memory-jobs';

const TEXT = 'The autumn menu starts on Monday.';

function setUp(synthesize: (request: AudioGenerationRequest) => Promise<{ bytes: Buffer }>) {
  const jobs = new InMemoryJobs();
  jobs.add({
    type: 'audio_generation',
    status: 'processing',
    prompt: TEXT,
    model: 'gpt-4o-mini-tts',
    parameters: { voice: 'coral', format: 'mp3', instructions: 'Calm' },
  });
  const provider = { name: 'openai', synthesize: jest.fn(synthesize) };
  const providers = { resolve: () => ({ provider, model: 'gpt-4o-mini-tts' }) } as unknown as AudioProviderRegistry;
  const assets = fakeJobAssets(jobs);
  const config = { imageGeneration: { timeoutMs: 60_000 }, pricing: DEFAULT_PRICING } as unknown as EngineConfig;
  const handler = new AudioJobHandler(
    jobs as unknown as GenerationJobsRepository,
    config,
    providers,
    assets as unknown as AssetsService,
    fakeTemplates() as unknown as TemplatesService,
    testMetrics(),
  );
  const run = () => handler.run(jobs.rows.get(JOB_ID)!);
  return { jobs, provider, assets, run };
}

describe('AudioJobHandler (repository in memory)', () => {
  it('sends the recorded request, prices the duration read from the bytes and completes in one statement', async () => {
    const frames = 2_000;
    const { jobs, provider, assets, run } = setUp(async () => ({ bytes: silentMp3(frames) }));
    await expect(run()).resolves.toMatchObject({ status: 'completed', job: { id: JOB_ID } });
    expect(provider.synthesize).toHaveBeenCalledWith(
      { text: TEXT, model: 'gpt-4o-mini-tts', voice: 'coral', format: 'mp3', instructions: 'Calm', speed: undefined },
      expect.any(AbortSignal),
    );
    expect(jobs.transitions).toEqual([`advance:${RENDER_STEPS.storing.step}`, 'completeWithAssets']);
    const seconds = (frames * MP3_FRAME.samples) / MP3_FRAME.sampleRate;
    const cost = Math.round((seconds / 60) * 0.015 * 1_000_000) / 1_000_000;
    expect(assets.prepareAssetFilesIf).toHaveBeenCalledWith(
      'user-1',
      expect.objectContaining({ type: 'audio', mimeType: 'audio/mpeg', cost, sourceModule: 'audio_generation' }),
      jobs.advanceSql(JOB_ID, RENDER_STEPS.storing),
    );
    expect(assets.jobAssetWrites).toHaveBeenCalledWith(expect.objectContaining({ userId: 'user-1' }), [
      expect.objectContaining({ id: 'asset-1' }),
    ]);
    expect(jobs.completionStatements).toContainEqual(resultsStatement([{ id: 'asset-1' }], COMPLETING.happened));
    expect(jobs.rows.get(JOB_ID)).toMatchObject({ status: 'completed', resultUrl: '/files/1' });
  });

  it('stores nothing when the job is cancelled while the provider speaks', async () => {
    const setup = setUp(async () => {
      await setup.jobs.cancel('user-1', JOB_ID);
      return { bytes: silentMp3(10) };
    });
    await expect(setup.run()).resolves.toEqual({ status: 'cancelled' });
    // The storing step is the condition of the statement that records the file: it matched nothing.
    expect(setup.jobs.transitions).toEqual(['cancel']);
    await expect(setup.assets.prepareAssetFilesIf.mock.results[0].value).resolves.toBeNull();
    expect(setup.assets.discardPreparedAsset).not.toHaveBeenCalled();
  });

  it('removes the stored file when the job is cancelled while it is being stored', async () => {
    const setup = setUp(async () => ({ bytes: silentMp3(10) }));
    const prepare = setup.assets.prepareAssetFilesIf.getMockImplementation()!;
    setup.assets.prepareAssetFilesIf.mockImplementation(async (userId, input, condition) => {
      const prepared = await prepare(userId, input, condition);
      await setup.jobs.cancel('user-1', JOB_ID);
      return prepared;
    });
    await expect(setup.run()).resolves.toEqual({ status: 'cancelled' });
    expect(setup.jobs.transitions).toEqual([`advance:${RENDER_STEPS.storing.step}`, 'cancel']);
    expect(setup.jobs.status()).toBe('cancelled');
    expect(setup.assets.discardPreparedAsset).toHaveBeenCalledWith(
      expect.objectContaining({ storedFiles: [expect.objectContaining({ key: 'key-1' })] }),
    );
  });

  it('refuses bytes that are not the requested format as a retryable provider failure, storing nothing', async () => {
    const { assets, run } = setUp(async () => ({ bytes: silentWav(1) }));
    const failure = await run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining('not usable mp3 audio') });
    expect(assets.prepareAssetFilesIf).not.toHaveBeenCalled();
  });
});
