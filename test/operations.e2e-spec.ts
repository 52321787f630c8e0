import { getQueueToken } from '@nestjs/bull';
import jwt from 'jsonwebtoken';
import type { Queue } from 'bull';
import request from 'supertest';
import { ADMIN_SESSION_COOKIE } from '../src/auth/admin-access';
import { IMAGE_GENERATION_QUEUE, WEBHOOK_DELIVERY_QUEUE } from '../src/queue/queue.constants';
import { BASE, bearer, createTestApp, TestApp, tokenFor } from './support/app';
import { imageRequest, jobRow, newUserId } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import { jobStatus, waitFor, waitForJobStatus } from './support/image-jobs';
import { TEST_JWT_SECRET } from './support/test-env';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

const METRICS_TOKEN = 'metrics-token-0123456789';
const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghijklmnop';

/** The value of one series of a Prometheus text answer, e.g. `creative_engine_jobs_created_total{kind="image_generation"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Every label value of every series. */
function labelValues(text: string): string[] {
  return [...text.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]);
}

async function queueJob(t: TestApp, userId: string, body = imageRequest()): Promise<string> {
  const res = await t.http.post(`${BASE}/image/generate`).set(bearer(userId)).send(body).expect(202);
  return (res.body as { jobId: string }).jobId;
}

describe('GET /metrics', () => {
  let t: TestApp;
  const user = newUserId('metrics-user');

  beforeAll(async () => {
    t = await createTestApp({ QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-metrics` });
  });
  afterAll(() => t?.close());

  it('counts placeholder image jobs by kind, provider and model, with no user id or raw path in any label', async () => {
    const jobIds = [await queueJob(t, user), await queueJob(t, user), await queueJob(t, user)];
    for (const jobId of jobIds) await waitForJobStatus(t.http, user, jobId, ['completed']);
    await jobStatus(t.http, user, jobIds[0]);
    // Counted just after each completion commits, which the status may show first.
    await waitFor(async () => {
      const text = (await t.http.get('/metrics').expect(200)).text;
      return sample(text, 'creative_engine_jobs_completed_total{kind="image_generation"}') === 3 ? true : undefined;
    }, 'three completed jobs counted');

    const res = await t.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(sample(text, 'creative_engine_jobs_created_total{kind="image_generation"}')).toBe(3);
    expect(sample(text, 'creative_engine_jobs_completed_total{kind="image_generation"}')).toBe(3);
    expect(
      sample(
        text,
        'creative_engine_job_duration_seconds_count{kind="image_generation",provider="placeholder",model="placeholder"}',
      ),
    ).toBe(3);
    expect(
      sample(text, 'creative_engine_provider_request_duration_seconds_count{provider="placeholder",operation="image"}'),
    ).toBe(3);
    expect(
      sample(
        text,
        'creative_engine_http_request_duration_seconds_count{method="POST",route="/api/creative/image/generate",status_code="202"}',
      ),
    ).toBe(3);
    expect(
      sample(
        text,
        'creative_engine_http_request_duration_seconds_count{method="GET",route="/api/creative/image/:jobId/status",status_code="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(sample(text, `creative_engine_queue_jobs{queue="image-generation",state="${state}"}`)).toBe(0);
    }
    expect(text).toContain('creative_engine_process_resident_memory_bytes');
    expect(text).toContain('creative_engine_nodejs_eventloop_lag_seconds');
    const labels = labelValues(text);
    expect(labels.filter((value) => value.includes(user) || jobIds.some((id) => value.includes(id)))).toEqual([]);
  });

  it('keeps its series in a registry of its own: a second app in this process counts from zero', async () => {
    const other = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-other`,
    });
    try {
      const text = (await other.http.get('/metrics').expect(200)).text;
      expect(sample(text, 'creative_engine_jobs_created_total{kind="image_generation"}')).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('limit and cancellation counters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-limits`,
      USER_MAX_ACTIVE_JOBS: '1',
      USER_DAILY_BUDGET_USD: '0.5',
    });
  });
  afterAll(() => t?.close());

  it('counts cancelled jobs by kind, and active-job and daily-budget rejections by limit', async () => {
    const busy = newUserId('busy');
    const jobId = await queueJob(t, busy);
    await t.http.post(`${BASE}/image/generate`).set(bearer(busy)).send(imageRequest()).expect(429);
    await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(busy)).expect(200);

    const spent = newUserId('spent');
    await t.prisma.generationJob.createMany({ data: [jobRow(spent, { status: 'completed', cost: 0.5 })] as never });
    await t.http.post(`${BASE}/image/generate`).set(bearer(spent)).send(imageRequest()).expect(402);

    const text = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(text, 'creative_engine_jobs_cancelled_total{kind="image_generation"}')).toBe(1);
    expect(sample(text, 'creative_engine_limit_rejections_total{limit="active_jobs"}')).toBe(1);
    expect(sample(text, 'creative_engine_limit_rejections_total{limit="daily_budget"}')).toBe(1);
    expect(text).not.toContain(busy);
    expect(text).not.toContain(spent);
  });
});

describe('METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-token`,
      METRICS_TOKEN,
      RATE_LIMIT_PER_MINUTE: '5',
    });
  });
  afterAll(() => t?.close());

  it('answers 401 in the error shape without the token or with another, 200 with it', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-the-metrics-token' }, bearer('a-user')]) {
      const res = await t.http.get('/metrics').set(headers).expect(401);
      expect(res.body).toMatchObject({ success: false, statusCode: 401, error: 'UNAUTHORIZED' });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(res.text).toContain('creative_engine_jobs_created_total');
  });

  it('counts rate-limit rejections and labels unmatched paths as such', async () => {
    const caller = newUserId('limited');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.http.get(`${BASE}/me`).set(bearer(caller))).status);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    // Outside /api a GET of an unknown path is the gallery page (WEB_APP_ENABLED); under /api it is unmatched.
    await t.http.get(`/api/no-such-route-${caller}`).expect(404);

    const text = (await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    expect(sample(text, 'creative_engine_limit_rejections_total{limit="requests"}')).toBe(2);
    expect(
      sample(
        text,
        'creative_engine_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(caller);
  });

  it('is refused at start-up when too short to be a secret', async () => {
    await expect(createTestApp({ METRICS_TOKEN: 'short' })).rejects.toThrow(/METRICS_TOKEN must be at least 16/);
  });
});

describe("a worker's METRICS_PORT listener", () => {
  let worker: WorkerProcess | undefined;
  afterAll(() => worker?.kill('SIGTERM'));

  it('serves its own metrics, behind METRICS_TOKEN, and writes JSON log lines naming the job it runs', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const prefix = `${process.env.QUEUE_PREFIX}-ops-worker`;
    worker = startWorkerProcess({ METRICS_PORT: String(port), METRICS_TOKEN, QUEUE_PREFIX: prefix, LOG_LEVEL: 'log' });
    const listener = `http://127.0.0.1:${port}`;
    const scrape = () => request(listener).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    await waitFor(
      async () => ((await scrape().catch(() => undefined))?.status === 200 ? true : undefined),
      () => `the worker's metrics listener\n${worker!.output()}`,
      60_000,
      200,
    );
    const refused = await request(listener).get('/metrics').expect(401);
    expect(refused.body).toMatchObject({ success: false, statusCode: 401, error: 'UNAUTHORIZED' });

    // An API that only enqueues; the worker process renders.
    const api = await createTestApp({ WORKER_ENABLED: 'false', QUEUE_PREFIX: prefix });
    try {
      const user = newUserId('worker-metrics');
      const jobId = await queueJob(api, user);
      await waitForJobStatus(api.http, user, jobId, ['completed'], 60_000);
      // Counted just after the completion commits, which the status may show first.
      const completed = async () =>
        sample((await scrape().expect(200)).text, 'creative_engine_jobs_completed_total{kind="image_generation"}');
      expect(await waitFor(completed, () => `the completion count\n${worker!.output()}`)).toBe(1);
      const lines = worker
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(parsed.length).toBeGreaterThan(0);
      // Lines written while the job ran name it and its kind (the logger's mixin), without being told.
      expect(parsed.find((line) => line.msg === `Job ${jobId} completed`)).toMatchObject({
        jobId,
        jobKind: 'image_generation',
        context: 'GenerationJobProcessor',
      });
      expect(parsed.filter((line) => line.msg === 'Worker started (concurrency 2)')[0]).not.toHaveProperty('jobId');
    } finally {
      await api.close();
    }
  });
});

describe('/queues (Bull Board)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-board`,
      ADMIN_TOKEN,
      ...fakeProviderEnvironment(fake, 'sk-test-board'),
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('answers 401 without credentials, 403 to a user without the admin role, 200 to ADMIN_TOKEN and to an admin JWT', async () => {
    const anonymous = await t.http.get('/queues').expect(401);
    expect(anonymous.body).toMatchObject({ success: false, statusCode: 401, error: 'UNAUTHORIZED' });
    await t.http.get('/queues/api/queues').set('Authorization', 'Bearer wrong').expect(401);
    const user = await t.http.get('/queues').set(bearer('plain-user')).expect(403);
    expect(user.body).toMatchObject({ success: false, statusCode: 403, error: 'FORBIDDEN' });
    await t.http
      .get('/queues')
      .set('Authorization', `Bearer ${tokenFor('boss', { expiresIn: '5m' })}`)
      .expect(403);

    const page = await t.http.get('/queues').set(admin).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const adminJwt = `Bearer ${jwtWithRoles('ops-admin', { roles: ['admin'] })}`;
    const queues = await t.http.get('/queues/api/queues').set('Authorization', adminJwt).expect(200);
    expect((queues.body as { queues: { name: string }[] }).queues.map((queue) => queue.name)).toEqual([
      IMAGE_GENERATION_QUEUE,
      WEBHOOK_DELIVERY_QUEUE,
    ]);
  });

  it('signs a browser in with a form post: an HttpOnly, SameSite=Strict session cookie limited to /queues', async () => {
    await t.http.get('/queues/login').expect(200).expect('Content-Type', /html/);
    await t.http.post('/queues/login').type('form').send({ token: 'wrong' }).expect(401);
    await t.http
      .post('/queues/login')
      .type('form')
      .send({ token: tokenFor('plain-user') })
      .expect(403);
    const signedIn = await t.http.post('/queues/login').type('form').send({ token: ADMIN_TOKEN }).expect(303);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(new RegExp(`^${ADMIN_SESSION_COOKIE}=\\d{13}\\.[\\w-]{43}; `));
    expect(cookie).toMatch(/; Path=\/queues; /);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    const session = cookie.split(';')[0];
    await t.http.get('/queues/api/queues').set('Cookie', session).expect(200);
    await t.http
      .get('/queues/api/queues')
      .set(
        'Cookie',
        session.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')),
      )
      .expect(401);
  });

  it('retries a failed job through its API: the job runs again and completes', async () => {
    const user = newUserId('board');
    fake.enqueue({ kind: 'content_policy', route: 'images' });
    const jobId = await queueJob(t, user, imageRequest({ model: 'gpt-image-1', size: '1024x1024' }));
    await waitForJobStatus(t.http, user, jobId, ['failed']);
    const queue = t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
    await waitFor(async () => ((await queue.getJob(jobId))?.failedReason ? true : undefined), 'the failed Bull job');

    await t.http.put(`/queues/api/queues/${IMAGE_GENERATION_QUEUE}/${jobId}/retry`).expect(401);
    await t.http.put(`/queues/api/queues/${IMAGE_GENERATION_QUEUE}/${jobId}/retry`).set(admin).expect(204);
    const job = await waitForJobStatus(t.http, user, jobId, ['completed']);
    expect(job).toMatchObject({ status: 'completed', errorMessage: null });
    expect(job.assets).toHaveLength(1);

    const completedCount = async () =>
      sample(
        (await t.http.get('/metrics').expect(200)).text,
        'creative_engine_jobs_completed_total{kind="image_generation"}',
      );
    expect(await waitFor(completedCount, 'the completion count')).toBe(1);
    const metrics = (await t.http.get('/metrics').expect(200)).text;
    expect(sample(metrics, 'creative_engine_jobs_failed_total{kind="image_generation"}')).toBe(1);
    expect(
      sample(metrics, 'creative_engine_provider_errors_total{provider="openai",error_kind="content_policy"}'),
    ).toBe(1);
  });

  it('cleans the completed jobs', async () => {
    const queue = t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
    expect(await queue.getCompletedCount()).toBeGreaterThan(0);
    // Bull Board cleans jobs finished more than a few seconds ago.
    await waitFor(
      async () => {
        await t.http.put(`/queues/api/queues/${IMAGE_GENERATION_QUEUE}/clean/completed`).set(admin).expect(200);
        return (await queue.getCompletedCount()) === 0 ? true : undefined;
      },
      'the completed jobs to be cleaned',
      15_000,
      1_000,
    );
  });
});

function jwtWithRoles(userId: string, claims: Record<string, unknown>): string {
  return jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS256', subject: userId, expiresIn: '5m' });
}
