import { createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { jobStatus, startImageJob, waitFor, waitForJobStatus } from './support/image-jobs';
import { FAST_STALL_DETECTION, startWorkerProcess, WorkerProcess } from './support/worker-process';

describe('stalled-job recovery', () => {
  let fake: FakeProvider;
  let api: TestApp;
  let env: Record<string, string>;
  let doomed: WorkerProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeProvider();
    env = {
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stalled`,
      OPENAI_API_KEY: 'sk-test-stalled',
      OPENAI_BASE_URL: fake.baseUrl,
      ...FAST_STALL_DETECTION,
    };
    api = await createTestApp({ ...env, WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await doomed?.kill('SIGKILL');
    await api.close();
    await fake.close();
  });

  it('completes, exactly once, a job whose worker process was killed with SIGKILL mid-job', async () => {
    const user = newUserId();
    // The first provider call never answers: the worker is killed while waiting for it.
    fake.enqueue({ kind: 'hang', route: 'images' });
    const jobId = await startImageJob(api.http, user, {
      prompt: 'Survive a crash',
      model: 'gpt-image-1',
      quality: 'low',
    });

    doomed = startWorkerProcess(env);
    const worker = doomed;
    await waitFor(
      () => (fake.requestsTo('images').length === 1 ? true : undefined),
      () => `the worker process to call the provider:\n${worker.output()}`,
      45_000,
    );
    expect((await jobStatus(api.http, user, jobId)).status).toBe('processing');
    await worker.kill('SIGKILL');
    expect(worker.child.signalCode).toBe('SIGKILL');

    const rescuer = await createTestApp({ ...env, WORKER_ENABLED: 'true' });
    try {
      const job = await waitForJobStatus(api.http, user, jobId, ['completed', 'failed'], 30_000);
      expect(job).toMatchObject({ status: 'completed', attempts: 2 });
      expect(job.assets).toHaveLength(1);
      expect(fake.requestsTo('images')).toHaveLength(2);
      // Past another stalled check, still one set of assets.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await api.prisma.creativeAsset.count({ where: { generationId: jobId } })).toBe(1);
    } finally {
      await rescuer.close();
    }
  });
});
