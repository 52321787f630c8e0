import { AssetsService } from '../src/assets/assets.service';
import { readVideoMetadata } from '../src/storage/video-probe';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, pngBytes } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { collectBody, download, parseEvents } from './support/http-bodies';
import { waitFor } from './support/image-jobs';
import { getJob, startVideoJob, waitForJob } from './support/video-jobs';

const API_KEY = 'sk-test-videos';
const WEBM_MAGIC = '1a45dfa3';

describe('video generation', () => {
  let t: TestApp;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: API_KEY });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-videos`,
      OPENAI_API_KEY: API_KEY,
      // Images and text would go elsewhere: videos reach the fake only through OPENAI_VIDEO_BASE_URL.
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_VIDEO_BASE_URL: fake.baseUrl,
      // Ten minutes between polls unless the provider asks otherwise: every completed OpenAI video below
      // proves that openai-poll-after-ms is honoured.
      VIDEO_POLL_INTERVAL_MS: '600000',
      IMAGE_JOB_BACKOFF_MS: '20',
      JOB_EVENTS_POLL_MS: '20',
      MODEL_CATALOGUE_OVERRIDES: JSON.stringify([
        { id: 'sora-2', status: 'retired', shutdownDate: '2026-09-24', successor: 'sora-2-pro' },
        { id: 'still-video', provider: 'openai', kinds: ['video'], capabilities: { referenceImage: false } },
        { id: 'sora-1', provider: 'openai', kinds: ['video'], status: 'deprecated', shutdownDate: '2027-03-01' },
      ]),
    });
  });
  beforeEach(() => {
    fake.reset();
    fake.videos.setPollAfterMs(20);
  });
  afterEach(() => fake.assertNoSchemaViolations());
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const createCalls = () => fake.requestsTo('videos').filter((request) => request.method === 'POST');

  async function imageAsset(userId: string): Promise<string> {
    const asset = await t.app.get(AssetsService).saveAsset(userId, {
      type: 'image',
      sourceModule: 'upload',
      title: 'First frame',
      bytes: await pngBytes(320, 240),
    });
    return asset.id;
  }

  it('makes a real WebM locally with the placeholder: size and length read from the bytes, a poster, cost 0', async () => {
    const user = newUserId();
    const jobId = await startVideoJob(t.http, user, {
      prompt: 'A lighthouse blinking at night',
      model: 'placeholder-video',
      seconds: 2,
      size: '320x180',
      tags: ['sea'],
    });
    const job = await waitForJob(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', type: 'video_generation', progress: 100, cost: 0 });
    const [asset] = job.assets;
    expect(asset).toMatchObject({
      type: 'video',
      sourceModule: 'video_generation',
      provider: 'placeholder',
      model: 'placeholder-video',
      mimeType: 'video/webm',
      format: 'webm',
      width: 320,
      height: 180,
      duration: 2,
      cost: 0,
      tags: ['sea'],
      metadata: { placeholder: true },
    });
    const file = await download(t.http, user, asset.url);
    expect(file.bytes.subarray(0, 4).toString('hex')).toBe(WEBM_MAGIC);
    expect(file.contentType).toContain('video/webm');
    expect(asset.fileSize).toBe(file.bytes.length);
    expect(await readVideoMetadata(file.bytes)).toMatchObject({ width: 320, height: 180, duration: 2 });
    const poster = await download(t.http, user, `${BASE}/asset/${asset.id}/thumbnail`);
    expect(poster.contentType).toContain('image/webp');
    expect(fake.requestsTo('videos')).toHaveLength(0);
  });

  it('renders at OpenAI (fake): one create, progress rising over SSE, an MP4 with its poster, cost per second', async () => {
    const user = newUserId();
    fake.videos.setReadsToComplete(3);
    fake.videos.hold();
    const prompt = 'A paper boat drifting down a rainy street';
    const jobId = await startVideoJob(t.http, user, { prompt, model: 'sora-2-pro', seconds: 4, size: '1280x720' });
    const stream = t.http.get(`${BASE}/jobs/${jobId}/events`).set(bearer(user)).buffer(true).parse(collectBody);
    const streamed = stream.then((res) => res);

    // While the provider renders, its progress (rising with every read) is the job's, scaled into 10-80.
    const seen = new Set<number>();
    await waitFor(async () => {
      const { progress, currentStep } = await getJob(t.http, user, jobId);
      if (currentStep === 2 && progress > 10 && progress < 80) seen.add(progress);
      return seen.size >= 2 ? true : undefined;
    }, 'the provider progress to show on the job');
    expect(Math.max(...seen)).toBeGreaterThan(Math.min(...seen));
    fake.videos.release();

    const res = await streamed;
    expect(res.status).toBe(200);
    const events = parseEvents((res.body as Buffer).toString('utf8'));
    expect(events[events.length - 1]).toMatchObject({
      event: 'completed',
      data: { status: 'completed', progress: 100 },
    });
    const progress = events.map((event) => event.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((value) => value > 10 && value < 80)).toBe(true);

    const job = await getJob(t.http, user, jobId);
    expect(job.cost).toBeCloseTo(1.2, 6);
    const [asset] = job.assets;
    expect(asset).toMatchObject({ type: 'video', mimeType: 'video/mp4', width: 1280, height: 720, duration: 4 });
    expect(asset.metadata).toEqual({ providerVideoId: expect.stringMatching(/^video_/) });
    const file = await download(t.http, user, asset.url);
    expect(file.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(job.thumbnailUrl).toBe(`${BASE}/asset/${asset.id}/thumbnail`);
    await download(t.http, user, job.thumbnailUrl as string);

    expect(fake.videos.createdCount).toBe(1);
    expect(createCalls()).toHaveLength(1);
    expect(createCalls()[0].fields).toEqual({ model: 'sora-2-pro', prompt, seconds: '4', size: '1280x720' });
    const paths = fake.requestsTo('videos').map((request) => request.path);
    expect(paths).toContain(`/v1/videos/${asset.metadata.providerVideoId}/content`);
  });

  it('sends a reference image asset as input_reference, fitted to the video size', async () => {
    const user = newUserId();
    const referenceAssetId = await imageAsset(user);
    const jobId = await startVideoJob(t.http, user, { prompt: 'It moves', model: 'sora-2-pro', referenceAssetId });
    expect((await waitForJob(t.http, user, jobId)).status).toBe('completed');
    expect(createCalls()[0].fields?.input_reference).toMatchObject({ filename: 'reference.png', type: 'image/png' });
  });

  it('refuses sizes, lengths and references the model does not take, and references that are no visible image', async () => {
    const user = newUserId();
    const post = (body: Record<string, unknown>) => t.http.post(`${BASE}/video/generate`).set(bearer(user)).send(body);
    const bad = await post({ prompt: 'x', model: 'sora-2-pro', size: '640x480', seconds: 5 }).expect(400);
    expect(bad.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['seconds', 'size']);
    await post({ prompt: 'x', size: 'big' }).expect(400);
    await post({ prompt: '   ' }).expect(400);

    const image = await imageAsset(user);
    const still = await post({ prompt: 'x', model: 'still-video', referenceAssetId: image }).expect(400);
    expect(still.body.details[0].field).toBe('referenceAssetId');

    const text = await t.app
      .get(AssetsService)
      .saveAsset(user, { type: 'text', sourceModule: 'notes', title: 'Note', content: 'hello' });
    await post({ prompt: 'x', model: 'sora-2-pro', referenceAssetId: text.id }).expect(400);
    const strangers = await imageAsset(newUserId());
    await post({ prompt: 'x', model: 'sora-2-pro', referenceAssetId: strangers }).expect(404);
    await post({ prompt: 'x', model: 'placeholder-video', provider: 'openai' }).expect(400);
    expect(createCalls()).toHaveLength(0);
  });

  it('refuses a retired model with MODEL_RETIRED, naming its successor', async () => {
    const res = await t.http
      .post(`${BASE}/video/generate`)
      .set(bearer(newUserId()))
      .send({ prompt: 'x', model: 'sora-2' })
      .expect(400);
    expect(res.body).toMatchObject({ error: 'MODEL_RETIRED' });
    expect(res.body.message).toContain('sora-2-pro');
  });

  it('runs a deprecated model with Deprecation and Sunset headers, and lists the video models with their state', async () => {
    const user = newUserId();
    const res = await t.http
      .post(`${BASE}/video/generate`)
      .set(bearer(user))
      .send({ prompt: 'Old times', model: 'sora-1' })
      .expect(202);
    expect(res.headers.sunset).toBe(new Date(Date.UTC(2027, 2, 1)).toUTCString());
    expect(res.body.warnings).toEqual(['model sora-1 is deprecated; shut down on 2027-03-01']);
    expect((await waitForJob(t.http, user, res.body.jobId)).status).toBe('completed');

    const models = await t.http.get(`${BASE}/models?kind=video`).set(bearer(user)).expect(200);
    const byId = Object.fromEntries(models.body.items.map((model: { id: string }) => [model.id, model]));
    expect(byId['sora-2']).toMatchObject({ status: 'retired', configured: true, isDefault: true });
    expect(byId['sora-2-pro']).toMatchObject({ status: 'active', configured: true, isDefault: false });
    expect(byId['placeholder-video']).toMatchObject({ configured: true, isDefault: true });
  });

  it('answers a repeated Idempotency-Key with the same job, and another request under it with a 422', async () => {
    const user = newUserId();
    const body = { prompt: 'Once only', model: 'placeholder-video', seconds: 2, size: '320x180' };
    const key = { 'Idempotency-Key': `video-${user}` };
    const first = await startVideoJob(t.http, user, body, key);
    expect(await startVideoJob(t.http, user, body, key)).toBe(first);
    const reused = await t.http
      .post(`${BASE}/video/generate`)
      .set(bearer(user))
      .set(key)
      .send({ ...body, seconds: 4 })
      .expect(422);
    expect(reused.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    await waitForJob(t.http, user, first);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);
  });

  it('cancels a job while the provider renders: polling stops, nothing is downloaded or stored', async () => {
    const user = newUserId();
    fake.videos.hold();
    const jobId = await startVideoJob(t.http, user, { prompt: 'Never mind', model: 'sora-2-pro' });
    await waitFor(() => (fake.videos.progressAnswered.length >= 2 ? true : undefined), 'the worker to poll');
    await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(user)).expect(200);
    // The worker notices at its next poll and lets the provider drop the video.
    await waitFor(
      () => (fake.requestsTo('videos').some((request) => request.method === 'DELETE') ? true : undefined),
      'the worker to discard the video',
    );
    const job = await getJob(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'cancelled', assets: [] });
    expect(fake.requestsTo('videos').filter((request) => request.path.endsWith('/content'))).toHaveLength(0);
    expect(fake.videos.createdCount).toBe(1);
  });

  it('retries a create refused with 429 after Retry-After: still exactly one video created', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 1, route: 'videos' });
    const jobId = await startVideoJob(t.http, user, { prompt: 'Patience', model: 'sora-2-pro' });
    const job = await waitForJob(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 2 });
    expect(createCalls().map((request) => request.fault ?? 'ok')).toEqual(['rate_limit', 'ok']);
    expect(fake.videos.createdCount).toBe(1);
  });

  it('resumes polling the same video after a failed poll, without creating another', async () => {
    const user = newUserId();
    // The create goes through; the first status read answers 500.
    fake.enqueue({ kind: 'latency', ms: 0, route: 'videos' }, { kind: 'server_error', route: 'videos' });
    const jobId = await startVideoJob(t.http, user, { prompt: 'Again', model: 'sora-2-pro' });
    const job = await waitForJob(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 2 });
    expect(job.assets).toHaveLength(1);
    expect(fake.videos.createdCount).toBe(1);
    expect(createCalls()).toHaveLength(1);
  });

  it('fails after the last attempt when the provider keeps answering 5xx', async () => {
    const user = newUserId();
    const serverError = { kind: 'server_error', route: 'videos' } as const;
    fake.enqueue(serverError, serverError, serverError);
    const jobId = await startVideoJob(t.http, user, { prompt: 'Doomed', model: 'sora-2-pro' });
    const job = await waitForJob(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'failed', attempts: 3, assets: [] });
    expect(job.errorMessage).toContain('HTTP 500');
    expect(fake.videos.createdCount).toBe(0);
  });

  it('fails at once on a content-policy refusal and on a video the provider failed', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'content_policy', route: 'videos' });
    const refused = await waitForJob(
      t.http,
      user,
      await startVideoJob(t.http, user, { prompt: 'No', model: 'sora-2-pro' }),
    );
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refused.errorMessage).toContain('safety system');

    fake.videos.failNextVideo({ code: 'moderation_blocked', message: 'The video was blocked by moderation.' });
    const failed = await waitForJob(
      t.http,
      user,
      await startVideoJob(t.http, user, { prompt: 'Also no', model: 'sora-2-pro' }),
    );
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(failed.errorMessage).toContain('blocked by moderation');
    expect(fake.videos.createdCount).toBe(1);
  });
});
