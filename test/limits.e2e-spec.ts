import { ASSET_LIMITS } from '../src/assets/asset-rules';
import { CONTENT_LIMITS } from '../src/content-creation/dto/content-request.dto';
import { loadConfig } from '../src/config/engine-config';
import { RATE_LIMIT_BATCH_MS, RateLimitStore } from '../src/limits/rate-limit.store';
import { ACTIVE_JOBS_RETRY_AFTER } from '../src/limits/user-limits.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, imageRequest, jobRow, newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { testEnvironment } from './support/test-env';

// Jobs stay queued (no worker) and in this spec's own Bull keys, so no other spec's worker picks them up.
const QUIET_QUEUE = { WORKER_ENABLED: 'false', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-limits` };

const errorShape = (statusCode: number, error: string) => ({
  success: false,
  statusCode,
  error,
  message: expect.any(String),
});

describe('per-user rate limits (Redis, shared by every instance)', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    const limits = { ...QUIET_QUEUE, RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_GENERATE_PER_MINUTE: '2' };
    [first, second] = await Promise.all([createTestApp(limits), createTestApp(limits)]);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('counts a user’s requests across two instances and answers 429 with Retry-After past the limit', async () => {
    const user = newUserId();
    await first.http.get(`${BASE}/me`).set(bearer(user)).expect(200);
    await second.http.get(`${BASE}/me`).set(bearer(user)).expect(200);
    await first.http.get(`${BASE}/me`).set(bearer(user)).expect(200);

    const refused = await second.http.get(`${BASE}/me`).set(bearer(user)).expect(429);
    expect(refused.body).toEqual(errorShape(429, 'RATE_LIMITED'));
    expect(refused.body.message).toContain('3 requests per minute');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(ACTIVE_JOBS_RETRY_AFTER.minSeconds);
    expect(retryAfter).toBeLessThanOrEqual(ACTIVE_JOBS_RETRY_AFTER.maxSeconds);
    await first.http.get(`${BASE}/me`).set(bearer(user)).expect(429);

    // Limits are per user: someone else is not affected.
    await first.http.get(`${BASE}/me`).set(bearer(newUserId())).expect(200);
  });

  it('limits generation routes separately and more tightly', async () => {
    const user = newUserId();
    await first.http.post(`${BASE}/image/generate`).set(bearer(user)).send(imageRequest()).expect(202);
    await second.http.post(`${BASE}/image/generate`).set(bearer(user)).send(imageRequest()).expect(202);
    const refused = await first.http.post(`${BASE}/image/generate`).set(bearer(user)).send(imageRequest()).expect(429);
    expect(refused.body.message).toContain('2 generation requests per minute');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await first.prisma.generationJob.count({ where: { userId: user } })).toBe(2);
  });

  it('counts every limit of a request in one call, and a request refused by one counts against none after it', async () => {
    const store = first.app.get(RateLimitStore);
    const user = newUserId();
    const counters = [
      { key: `all:${user}`, limit: 1 },
      { key: `generate:${user}`, limit: 5 },
    ];
    const counted = await store.hit(counters, 60_000);
    expect(counted?.map((hit) => hit.hits)).toEqual([1, 1]);
    expect(counted?.every((hit) => hit.resetInMs > 0 && hit.resetInMs <= 60_000)).toBe(true);
    // Past the first limit: the second counter is not counted.
    expect((await store.hit(counters, 60_000))?.map((hit) => hit.hits)).toEqual([2]);
    expect((await store.hit([counters[1]], 60_000))?.map((hit) => hit.hits)).toEqual([2]);
  });

  it('sends the counts of requests that arrive together to Redis in one write, each answered with its own count', async () => {
    const store = first.app.get(RateLimitStore);
    // The limiter's own connection to Redis: what goes over it is what this test counts.
    const connection = store['client']!.stream;
    const write = jest.spyOn(connection, 'write');
    try {
      const user = newUserId();
      const hits = await Promise.all(
        Array.from({ length: 20 }, () => store.hit([{ key: `all:${user}`, limit: 100 }], 60_000)),
      );
      expect(hits.map((hit) => hit?.[0].hits).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        Array.from({ length: 20 }, (_, index) => index + 1),
      );
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      write.mockRestore();
    }
  });

  describe('batched counters (the per-user limit of every route)', () => {
    const redisCount = (store: RateLimitStore, key: string) =>
      store['client']!.get(`${first.config.queuePrefix}:rate-limit:${key}`).then(Number);
    const batchSent = () => new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_BATCH_MS * 5));

    it('far below the limit, counts hits here and sends them to Redis in one call per batch', async () => {
      const store = first.app.get(RateLimitStore);
      const counter = { key: `all:${newUserId()}`, limit: 100, batched: true };
      // The first hit has no confirmed count to go by: it is counted in Redis before it is answered.
      expect((await store.hit([counter], 60_000))?.[0].hits).toBe(1);
      const write = jest.spyOn(store['client']!.stream, 'write');
      try {
        for (let hit = 2; hit <= 20; hit++) expect((await store.hit([counter], 60_000))?.[0].hits).toBe(hit);
        expect(write).not.toHaveBeenCalled();
        await batchSent();
        expect(write).toHaveBeenCalledTimes(1);
      } finally {
        write.mockRestore();
      }
      expect(await redisCount(store, counter.key)).toBe(20);
    });

    it('from half the limit on counts every hit in Redis, so the hit past the limit is refused exactly', async () => {
      const store = first.app.get(RateLimitStore);
      const counter = { key: `all:${newUserId()}`, limit: 10, batched: true };
      const counts: number[] = [];
      for (let hit = 1; hit <= 12; hit++) counts.push((await store.hit([counter], 60_000))![0].hits);
      expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(await redisCount(store, counter.key)).toBe(12);
    });

    it('shares one count between instances: hits batched by one are in the next Redis count of the other', async () => {
      const [one, other] = [first.app.get(RateLimitStore), second.app.get(RateLimitStore)];
      const counter = { key: `all:${newUserId()}`, limit: 1_000, batched: true };
      for (let hit = 0; hit < 5; hit++) await one.hit([counter], 60_000);
      await batchSent();
      expect((await other.hit([counter], 60_000))?.[0].hits).toBe(6);
      await one.hit([counter], 60_000);
      await batchSent();
      expect(await redisCount(one, counter.key)).toBe(7);
    });

    it('an unbatched counter sends the waiting hits along; a refused request counts against no counter after it', async () => {
      const store = first.app.get(RateLimitStore);
      const user = newUserId();
      const generations = { key: `generate:${user}`, limit: 1 };
      const requests = { key: `all:${user}`, limit: 100, batched: true };
      for (let hit = 0; hit < 3; hit++) await store.hit([requests], 60_000);
      expect((await store.hit([generations, requests], 60_000))?.map((hit) => hit.hits)).toEqual([1, 4]);
      expect(await redisCount(store, requests.key)).toBe(4);

      await store.hit([requests], 60_000); // waits for the batch
      expect((await store.hit([generations, requests], 60_000))?.map((hit) => hit.hits)).toEqual([2]);
      expect(await redisCount(store, requests.key)).toBe(4);
      // The refused request is not counted; the hit that was waiting for the batch still is.
      await batchSent();
      expect(await redisCount(store, requests.key)).toBe(5);
    });

    it('sends the hits still waiting for their batch when the app shuts down', async () => {
      const app = await createTestApp({ ...QUIET_QUEUE, RATE_LIMIT_PER_MINUTE: '100' });
      const store = app.app.get(RateLimitStore);
      const counter = { key: `all:${newUserId()}`, limit: 100, batched: true };
      for (let hit = 0; hit < 4; hit++) await store.hit([counter], 60_000);
      await app.close();
      expect(await redisCount(first.app.get(RateLimitStore), counter.key)).toBe(4);
    });
  });

  it('fails open, at once, when Redis cannot be reached (an outage of the limiter is not an outage of the API)', async () => {
    const store = new RateLimitStore(loadConfig(testEnvironment({ REDIS_URL: 'redis://127.0.0.1:1' })));
    store.onModuleInit();
    try {
      const started = Date.now();
      await expect(store.hit([{ key: 'all:someone', limit: 10 }], 60_000)).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await store.onModuleDestroy();
    }
  });

  it('does not count requests without a valid token against anyone', async () => {
    const user = newUserId();
    for (let i = 0; i < 4; i++) await first.http.get(`${BASE}/me`).expect(401);
    await first.http.get(`${BASE}/me`).set(bearer(user)).expect(200);
  });
});

describe('per-user job and spend caps', () => {
  let t: TestApp;
  let fake: FakeProvider;
  const BUDGET = 0.05;

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      ...QUIET_QUEUE,
      USER_MAX_ACTIVE_JOBS: '2',
      USER_DAILY_BUDGET_USD: String(BUDGET),
      OPENAI_API_KEY: 'sk-test-limits',
      OPENAI_BASE_URL: fake.baseUrl,
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
    });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const generate = (user: string, body = imageRequest()) =>
    t.http.post(`${BASE}/image/generate`).set(bearer(user)).send(body);

  it('refuses a job beyond USER_MAX_ACTIVE_JOBS queued or processing with 429, and accepts again once one ends', async () => {
    const user = newUserId();
    const firstJob = await generate(user).expect(202);
    await generate(user).expect(202);
    const refused = await generate(user).expect(429);
    expect(refused.body).toEqual(errorShape(429, 'RATE_LIMITED'));
    expect(refused.body.message).toContain('USER_MAX_ACTIVE_JOBS=2');
    // No job has an estimate yet (nothing of this model has completed): the default wait.
    // The soonest active job's estimate (from earlier jobs of the model, possibly other specs'), else the default.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(ACTIVE_JOBS_RETRY_AFTER.minSeconds);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(ACTIVE_JOBS_RETRY_AFTER.maxSeconds);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(2);

    await t.http.post(`${BASE}/jobs/${firstJob.body.jobId}/cancel`).set(bearer(user)).expect(200);
    await generate(user).expect(202);
  });

  it('the cap’s 429 says in Retry-After when the soonest active job is expected to end', async () => {
    const user = newUserId();
    const now = Date.now();
    await t.prisma.generationJob.createMany({
      data: [
        jobRow(user, {
          status: 'processing',
          createdAt: new Date(now - 60_000),
          startedAt: new Date(now - 5_000),
          estimatedTime: 25_000,
        }),
        jobRow(user, { status: 'queued', createdAt: new Date(now - 1_000), estimatedTime: 300_000 }),
      ] as never,
    });
    const refused = await generate(user).expect(429);
    expect(refused.body).toEqual(errorShape(429, 'RATE_LIMITED'));
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(15);
    expect(retryAfter).toBeLessThanOrEqual(20);
  });

  it('holds the cap under concurrent requests', async () => {
    const user = newUserId();
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => generate(user))))
      .map((res) => res.status)
      .sort();
    expect(statuses).toEqual([202, 202, 429, 429, 429, 429]);
    expect(await t.prisma.generationJob.count({ where: { userId: user, status: 'queued' } })).toBe(2);
  });

  it('refuses new image jobs and content with 402 once today’s spend reaches USER_DAILY_BUDGET_USD', async () => {
    const user = newUserId();
    await t.prisma.generationJob.createMany({ data: [jobRow(user, { status: 'completed', cost: BUDGET })] as never });

    const image = await generate(user).expect(402);
    expect(image.body).toEqual(errorShape(402, 'PAYMENT_REQUIRED'));
    expect(image.body.message).toContain('USER_DAILY_BUDGET_USD');
    const content = await t.http
      .post(`${BASE}/content/generate`)
      .set(bearer(user))
      .send({ prompt: 'A haiku about rain' })
      .expect(402);
    expect(content.body.error).toBe('PAYMENT_REQUIRED');
    expect(fake.requestsTo('chat')).toHaveLength(0);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);
    expect(await t.prisma.creativeAsset.count({ where: { userId: user } })).toBe(0);
  });

  it('counts only today (UTC), text assets made outside jobs, and a job’s assets once', async () => {
    const user = newUserId();
    const yesterday = new Date(Date.now() - 36 * 60 * 60 * 1000);
    const job = jobRow(user, { status: 'completed', cost: 0.02 });
    await t.prisma.generationJob.createMany({
      data: [job, jobRow(user, { status: 'completed', cost: 5, createdAt: yesterday })] as never,
    });
    await t.prisma.creativeAsset.createMany({
      data: [
        assetRow(user, { type: 'image', cost: 0.02, generationId: job.id }),
        assetRow(user, { cost: 0.02 }),
        assetRow(user, { cost: 5, createdAt: yesterday }),
      ] as never,
    });
    // 0.02 (job) + 0.02 (text asset) = 0.04 < 0.05: still allowed.
    await generate(user).expect(202);
    await t.http.post(`${BASE}/content/generate`).set(bearer(user)).send({ prompt: 'A haiku about rain' }).expect(201);
  });

  it("GET /limits answers the caller's caps and today's spend as the budget counts it", async () => {
    const user = newUserId();
    const job = jobRow(user, { status: 'completed', cost: 0.01 });
    await t.prisma.generationJob.createMany({
      data: [job, jobRow(user, { status: 'completed', cost: 3, createdAt: new Date(Date.now() - 36 * 3_600_000) })],
    } as never);
    await t.prisma.creativeAsset.createMany({ data: [assetRow(user, { cost: 0.015 })] as never });
    const res = await t.http.get(`${BASE}/limits`).set(bearer(user)).expect(200);
    expect(res.body).toEqual({ dailyBudgetUsd: BUDGET, spentTodayUsd: expect.any(Number), maxActiveJobs: 2 });
    expect(res.body.spentTodayUsd).toBeCloseTo(0.025, 6);
    const stranger = await t.http.get(`${BASE}/limits`).set(bearer(newUserId())).expect(200);
    expect(stranger.body.spentTodayUsd).toBe(0);
  });
});

describe('prompt length limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(QUIET_QUEUE);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('image prompts: at most ASSET_LIMITS.promptLength characters', async () => {
    const user = newUserId();
    await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send(imageRequest({ prompt: 'p'.repeat(ASSET_LIMITS.promptLength) }))
      .expect(202);
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send(imageRequest({ prompt: 'p'.repeat(ASSET_LIMITS.promptLength + 1) }))
      .expect(400);
    expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
  });

  it('GET /limits answers null for the budget when none is set', async () => {
    const res = await t.http.get(`${BASE}/limits`).set(bearer(newUserId())).expect(200);
    expect(res.body.dailyBudgetUsd).toBeNull();
  });

  it('content prompts: at most CONTENT_LIMITS.promptLength characters (checked before any provider is needed)', async () => {
    const res = await t.http
      .post(`${BASE}/content/generate`)
      .set(bearer(newUserId()))
      .send({ prompt: 'p'.repeat(CONTENT_LIMITS.promptLength + 1) })
      .expect(400);
    expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
  });
});
