import { createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { waitFor } from './support/image-jobs';
import { startVideoJob, waitForJob } from './support/video-jobs';
import { FAST_STALL_DETECTION, startWorkerProcess, WorkerProcess } from './support/worker-process';

describe('a video job whose worker dies while polling', () => {
  let fake: FakeProvider;
  let api: TestApp;
  let env: Record<string, string>;
  let doomed: WorkerProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeProvider();
    env = {
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stalled-video`,
      OPENAI_API_KEY: 'sk-test-stalled-video',
      OPENAI_VIDEO_BASE_URL: fake.baseUrl,
      VIDEO_POLL_INTERVAL_MS: '50',
      ...FAST_STALL_DETECTION,
    };
    api = await createTestApp({ ...env, WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await api.close();
    await fake.close();
  });

  it('is resumed by another worker polling the same provider video: one video created, one asset', async () => {
    const user = newUserId();
    // The video stays in progress until released, so the worker is surely killed mid-poll.
    fake.videos.hold();
    const jobId = await startVideoJob(api.http, user, { prompt: 'Survive a crash', model: 'sora-2', seconds: 4 });

    doomed = startWorkerProcess(env);
    const worker = doomed;
    await waitFor(
      () => (fake.videos.progressAnswered.length >= 2 ? true : undefined),
      () => `the worker process to poll the video:\n${worker.output()}`,
      45_000,
    );
    const polled = await api.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(polled).toMatchObject({
      status: 'processing',
      attempts: 1,
      providerJobId: expect.stringMatching(/^video_/),
    });
    await worker.kill('SIGKILL');
    expect(worker.child.signalCode).toBe('SIGKILL');

    const rescuer = await createTestApp({ ...env, WORKER_ENABLED: 'true' });
    try {
      // The rescuer claims the job again and polls the recorded video (more reads than the dead worker made).
      const readsBefore = fake.videos.progressAnswered.length;
      await waitFor(
        () => (fake.videos.progressAnswered.length > readsBefore ? true : undefined),
        'the rescuer to poll the same video',
        30_000,
      );
      fake.videos.release();
      const job = await waitForJob(api.http, user, jobId, ['completed', 'failed'], 30_000);
      expect(job).toMatchObject({ status: 'completed', attempts: 2, cost: 0.4 });
      expect(job.assets).toHaveLength(1);
      expect(job.assets[0].metadata).toEqual({ providerVideoId: polled.providerJobId });
      expect(fake.videos.createdCount).toBe(1);
      expect(fake.requestsTo('videos').filter((request) => request.method === 'POST')).toHaveLength(1);
      fake.assertNoSchemaViolations();
    } finally {
      await rescuer.close();
    }
  });

  it('fails, without asking again, a job whose worker died inside the create call (the provider may hold the video)', async () => {
    fake.reset();
    const user = newUserId();
    // The create is never answered: the worker is killed while the provider may be making the video.
    fake.enqueue({ kind: 'hang', route: 'videos' });
    const jobId = await startVideoJob(api.http, user, { prompt: 'Lost in the post', model: 'sora-2' });
    doomed = startWorkerProcess(env);
    const worker = doomed;
    await waitFor(
      () => (fake.requestsTo('videos').length === 1 ? true : undefined),
      () => `the worker process to send the create:\n${worker.output()}`,
      45_000,
    );
    await worker.kill('SIGKILL');

    const rescuer = await createTestApp({ ...env, WORKER_ENABLED: 'true' });
    try {
      const job = await waitForJob(api.http, user, jobId, ['completed', 'failed'], 30_000);
      expect(job).toMatchObject({ status: 'failed', attempts: 2, assets: [] });
      expect(job.errorMessage).toContain('not created a second time');
      expect(fake.requestsTo('videos')).toHaveLength(1);
    } finally {
      await rescuer.close();
    }
  });
});
