import sharp from 'sharp';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import { waitFor, waitForJobStatus } from './support/image-jobs';
import { FAST_STALL_DETECTION, startWorkerProcess, WorkerProcess } from './support/worker-process';

describe('a creative upscale whose worker dies while polling', () => {
  let fake: FakeProvider;
  let api: TestApp;
  let env: Record<string, string>;
  let doomed: WorkerProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeProvider();
    env = {
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stalled-upscale`,
      ...fakeProviderEnvironment(fake, 'sk-test-stalled-upscale'),
      IMAGE_POLL_INTERVAL_MS: '50',
      ...FAST_STALL_DETECTION,
    };
    api = await createTestApp({ ...env, WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await api.close();
    await fake.close();
  });

  it('is resumed by another worker polling the same result id: one create call, one asset', async () => {
    const user = newUserId();
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    const source = await api.app
      .get(AssetsService)
      .saveAsset(user, { type: 'image', sourceModule: 'upload', title: 'Small photo', bytes });
    // The render stays in progress until released, so the worker is surely killed mid-poll.
    fake.stabilityStudio.hold();
    const accepted = await api.http
      .post(`${BASE}/image/${source.id}/upscale`)
      .set(bearer(user))
      .send({ mode: 'creative', prompt: 'A small photo', provider: 'stability' })
      .expect(202);
    const jobId = accepted.body.jobId as string;

    doomed = startWorkerProcess(env);
    const worker = doomed;
    await waitFor(
      () => (fake.stabilityStudio.resultPolls.length >= 2 ? true : undefined),
      () => `the worker process to poll the result:\n${worker.output()}`,
      45_000,
    );
    const polled = await api.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(polled).toMatchObject({ status: 'processing', attempts: 1, providerJobId: expect.any(String) });
    expect(fake.stabilityStudio.resultPolls[0].id).toBe(polled.providerJobId);
    await worker.kill('SIGKILL');
    expect(worker.child.signalCode).toBe('SIGKILL');

    const rescuer = await createTestApp({ ...env, WORKER_ENABLED: 'true' });
    try {
      const pollsBefore = fake.stabilityStudio.resultPolls.length;
      await waitFor(
        () => (fake.stabilityStudio.resultPolls.length > pollsBefore ? true : undefined),
        'the rescuer to poll the same result',
        30_000,
      );
      fake.stabilityStudio.release();
      const job = await waitForJobStatus(api.http, user, jobId, ['completed', 'failed'], 30_000);
      expect(job).toMatchObject({ status: 'completed', attempts: 2, cost: 0.6 });
      expect(job.assets).toHaveLength(1);
      expect(job.assets[0]).toMatchObject({ width: 160, height: 120, parentAssetId: source.id });
      expect(new Set(fake.stabilityStudio.resultPolls.map((poll) => poll.id))).toEqual(new Set([polled.providerJobId]));
      expect(fake.stabilityStudio.createdCount).toBe(1);
      expect(fake.requestsTo('stability').filter((request) => request.method === 'POST')).toHaveLength(1);
    } finally {
      await rescuer.close();
    }
  });
});
