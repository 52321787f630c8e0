import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { IMAGE_GENERATION_QUEUE } from '../src/queue/queue.constants';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import {
  JobStatusBody,
  jobStatus,
  retryGapMs,
  startImageJob,
  storedFiles,
  waitFor,
  waitForJobStatus,
} from './support/image-jobs';

function queueOf(t: TestApp): Queue {
  return t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
}

describe('image jobs: retries, failures, timeouts and cancellation', () => {
  let t: TestApp;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-jobs`,
      OPENAI_API_KEY: 'sk-test-jobs',
      OPENAI_BASE_URL: fake.baseUrl,
      IMAGE_JOB_ATTEMPTS: '3',
      IMAGE_JOB_BACKOFF_MS: '50',
      IMAGE_JOB_TIMEOUT_MS: '1000',
      QUEUE_KEEP_COMPLETED: '2',
    });
  });
  afterEach(() => {
    fake.assertNoSchemaViolations();
    fake.reset();
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const gptImage = (prompt: string) => ({ prompt, model: 'gpt-image-1', quality: 'low' });

  it('retries a 429 no sooner than its Retry-After, then completes', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 1, route: 'images' });
    const jobId = await startImageJob(t.http, user, gptImage('rate limited'));
    // The exponential backoff alone would retry after 50 ms.
    expect(await retryGapMs(fake, 'images')).toBeGreaterThanOrEqual(900);
    const job = await waitForJobStatus(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 2, errorMessage: null });
    expect(job.assets).toHaveLength(1);
  });

  it('shows a job waiting for its retry as queued with the error and the time of the next attempt, cleared once it runs', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 2, route: 'images' });
    const jobId = await startImageJob(t.http, user, gptImage('retried later'));
    const waiting = await waitFor(async () => {
      const body = (await t.http.get(`${BASE}/jobs/${jobId}`).set(bearer(user)).expect(200)).body as JobStatusBody;
      return body.status === 'queued' && body.attempts === 1 ? body : undefined;
    }, 'the job back in the queue');
    const [refused] = fake.requestsTo('images');
    expect(waiting.errorMessage).toMatch(/^Attempt 1 failed, will retry: .*429/);
    // Retry-After (2 s) wins over the 50 ms backoff; the time is read from the answer, not guessed.
    const nextAttemptAt = Date.parse(String(waiting.nextAttemptAt));
    expect(nextAttemptAt).toBeGreaterThan(Date.now());
    expect(nextAttemptAt - refused.receivedAt).toBeGreaterThanOrEqual(1900);
    expect(nextAttemptAt - refused.receivedAt).toBeLessThan(3000);
    const listed = await t.http.get(`${BASE}/jobs`).set(bearer(user)).expect(200);
    expect(listed.body.items[0]).toMatchObject({ id: jobId, nextAttemptAt: waiting.nextAttemptAt });

    const done = await waitForJobStatus(t.http, user, jobId);
    expect(done).toMatchObject({ status: 'completed', attempts: 2, nextAttemptAt: null });
    const [, retry] = fake.requestsTo('images');
    expect(retry.receivedAt).toBeGreaterThanOrEqual(nextAttemptAt - 50);
  });

  it('clears the time of the next attempt when a job waiting for it is cancelled', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 30, route: 'images' });
    const jobId = await startImageJob(t.http, user, gptImage('cancelled while waiting'));
    await waitFor(async () => {
      const body = (await t.http.get(`${BASE}/jobs/${jobId}`).set(bearer(user)).expect(200)).body as JobStatusBody;
      return body.nextAttemptAt ? body : undefined;
    }, 'the job waiting for its retry');
    const cancelled = await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(user)).expect(200);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled', nextAttemptAt: null });
  });

  it("fails with the provider's message once 5xx answers use up every attempt, without assets", async () => {
    const user = newUserId();
    fake.enqueue(...[1, 2, 3].map(() => ({ kind: 'server_error' as const, route: 'images' as const })));
    const job = await waitForJobStatus(t.http, user, await startImageJob(t.http, user, gptImage('always failing')));
    expect(job).toMatchObject({ status: 'failed', attempts: 3, assets: [] });
    expect(job.errorMessage).toContain('The server had an error while processing your request');
    expect(fake.requestsTo('images')).toHaveLength(3);
  });

  it('fails a content-policy refusal at once, without retrying', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'content_policy', route: 'images' });
    const job = await waitForJobStatus(t.http, user, await startImageJob(t.http, user, gptImage('something refused')));
    expect(job).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(job.errorMessage).toContain('safety system');
    // Give a wrongly scheduled retry the time it would need (backoff 50 ms) before counting requests.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requestsTo('images')).toHaveLength(1);
  });

  it('retries an attempt that exceeds the per-job timeout', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'hang', route: 'images' });
    const job = await waitForJobStatus(t.http, user, await startImageJob(t.http, user, gptImage('slow provider')));
    expect(job).toMatchObject({ status: 'completed', attempts: 2 });
    expect(fake.requestsTo('images')).toHaveLength(2);
  });

  it('cancels a job while it is processing: it stops at its next step, stores no asset and leaves no file', async () => {
    const user = newUserId();
    const before = await storedFiles(t.config.storageDir);
    fake.enqueue({ kind: 'latency', ms: 600, route: 'images' });
    const jobId = await startImageJob(t.http, user, gptImage('cancel me midway'));
    await waitFor(() => (fake.requestsTo('images').length === 1 ? true : undefined), 'the provider call');
    expect((await jobStatus(t.http, user, jobId)).status).toBe('processing');

    const res = await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(user)).expect(200);
    expect(res.body).toMatchObject({ success: true, job: { id: jobId, status: 'cancelled' } });

    const bullJob = await queueOf(t).getJob(jobId);
    await waitFor(async () => ((await bullJob?.isCompleted()) ? true : undefined), 'the worker to stop');
    expect(bullJob?.returnvalue ?? (await queueOf(t).getJob(jobId))?.returnvalue).toBe('cancelled');
    const job = await jobStatus(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'cancelled', assets: [] });
    expect(await t.prisma.creativeAsset.count({ where: { generationId: jobId } })).toBe(0);
    expect(await storedFiles(t.config.storageDir)).toEqual(before);

    const again = await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(user));
    expect(again.status).toBe(409);
  });

  it('keeps only QUEUE_KEEP_COMPLETED finished jobs in Redis', async () => {
    const user = newUserId();
    for (let i = 0; i < 3; i++) await waitForJobStatus(t.http, user, await startImageJob(t.http, user, imageRequest()));
    expect(await queueOf(t).getCompletedCount()).toBeLessThanOrEqual(2);
  });
});

describe('image jobs: an API that only enqueues, priorities and concurrency', () => {
  const queuePrefix = `${process.env.QUEUE_PREFIX}-enqueue-only`;
  let api: TestApp;

  beforeAll(async () => {
    api = await createTestApp({ QUEUE_PREFIX: queuePrefix, WORKER_ENABLED: 'false' });
  });
  afterAll(() => api.close());

  it('with WORKER_ENABLED=false only enqueues; a queued job can be cancelled; a worker then runs the rest by priority', async () => {
    const user = newUserId();
    const low = await startImageJob(api.http, user, imageRequest({ priority: 0 }));
    const cancelled = await startImageJob(api.http, user, imageRequest());
    const high = await startImageJob(api.http, user, imageRequest({ priority: 9 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of [low, cancelled, high]) expect((await jobStatus(api.http, user, id)).status).toBe('queued');
    expect(await queueOf(api).getWaitingCount()).toBe(3);

    await api.http.post(`${BASE}/jobs/${cancelled}/cancel`).set(bearer(user)).expect(200);
    expect(await queueOf(api).getJob(cancelled)).toBeNull();

    const worker = await createTestApp({ QUEUE_PREFIX: queuePrefix, WORKER_ENABLED: 'true', WORKER_CONCURRENCY: '1' });
    try {
      const [lowJob, highJob] = [
        await waitForJobStatus(api.http, user, low),
        await waitForJobStatus(api.http, user, high),
      ];
      expect([lowJob.status, highJob.status]).toEqual(['completed', 'completed']);
      // Priority: the urgent job ran first; concurrency 1: the second started after the first completed.
      expect(Date.parse(String(highJob.completedAt))).toBeLessThanOrEqual(Date.parse(String(lowJob.startedAt)));
      expect(await jobStatus(api.http, user, cancelled)).toMatchObject({
        status: 'cancelled',
        attempts: 0,
        assets: [],
      });
    } finally {
      await worker.close();
    }
  });
});
