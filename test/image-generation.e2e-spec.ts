import sharp from 'sharp';
import { GenerationJobsRepository } from '../src/jobs/generation-jobs.repository';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, newUserId, templateBody } from './support/factories';
import { estimateTokens, FakeProvider, imageOutputTokens, startFakeProvider } from './support/fake-provider';
import { RecordingProxy, startRecordingProxy } from './support/fake-provider-ext';
import { collectBody, download, parseEvents } from './support/http-bodies';
import { jobStatus, startImageJob, waitForJobStatus } from './support/image-jobs';
import { assertMatchesOpenAiSchema } from './support/openai-schema';

describe('image generation with providers configured', () => {
  let t: TestApp;
  let fake: FakeProvider;
  // OpenAI traffic goes through a recording proxy, so the answers are checked exactly as they crossed the wire.
  let proxy: RecordingProxy;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-test-images' });
    proxy = await startRecordingProxy(fake.origin);
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-images`,
      OPENAI_API_KEY: 'sk-test-images',
      OPENAI_BASE_URL: proxy.baseUrl,
      STABILITY_API_KEY: 'sk-test-images',
      STABILITY_BASE_URL: fake.origin,
      IMAGE_DOWNLOAD_ALLOW_INSECURE_LOOPBACK: 'true',
      IMAGE_DOWNLOAD_ALLOWED_HOSTS: '',
      JOB_EVENTS_POLL_MS: '25',
      IMAGE_JOB_BACKOFF_MS: '50',
      // OpenAI retired them, but an OpenAI-compatible endpoint may still serve them: the fidelity of their
      // parameters is checked with the catalogue entries switched back on, as an operator would.
      MODEL_CATALOGUE_OVERRIDES: JSON.stringify(
        ['dall-e-3', 'dall-e-2', 'gpt-image-1.5'].map((id) => ({ id, status: 'active' })),
      ),
    });
  });
  afterEach(() => {
    // Provider fidelity, for every test: each request the engine sent to the Images API matches
    // CreateImageRequest, and each answer matches ImagesResponse (or ErrorResponse for failures).
    for (const exchange of proxy.exchanges.filter((e) => e.path.startsWith('/v1/images/generations'))) {
      assertMatchesOpenAiSchema('CreateImageRequest', exchange.requestBody);
      assertMatchesOpenAiSchema(exchange.status === 200 ? 'ImagesResponse' : 'ErrorResponse', exchange.responseBody);
    }
    fake.assertNoSchemaViolations();
    proxy.exchanges.length = 0;
    fake.reset();
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
    await fake.close();
  });

  it('generates with the default GPT image model: real bytes, metadata read from them, thumbnail and token cost', async () => {
    const user = newUserId();
    const prompt = 'A red fox in fresh snow, morning light';
    const accepted = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt, quality: 'low', size: '1024x1536' })
      .expect(202);
    expect(accepted.body).toEqual({
      success: true,
      jobId: expect.any(String),
      status: 'queued',
      statusUrl: `${BASE}/image/${accepted.body.jobId}/status`,
      // From recent jobs of the model in this run's database: none yet, or some from other specs.
      estimatedTime: accepted.body.estimatedTime === null ? null : expect.any(Number),
    });

    const job = await waitForJobStatus(t.http, user, accepted.body.jobId);
    expect(job).toMatchObject({
      status: 'completed',
      provider: 'openai',
      model: 'gpt-image-2',
      progress: 100,
      currentStep: 3,
      totalSteps: 3,
      attempts: 1,
    });
    expect(job.actualTime).toBeGreaterThanOrEqual(0);
    const expectedCost = (estimateTokens(prompt) * 5 + imageOutputTokens('1024x1536', 'low') * 32) / 1_000_000;
    expect(job.cost).toBeCloseTo(expectedCost, 6);

    expect(job.assets).toHaveLength(1);
    const [asset] = job.assets;
    expect(asset).toMatchObject({
      type: 'image',
      generationId: job.jobId,
      prompt,
      provider: 'openai',
      model: 'gpt-image-2',
      sourceModule: 'image_generation',
    });
    expect(job.resultUrl).toBe(asset.url);
    expect(job.thumbnailUrl).toBe(asset.thumbnailUrl);
    expect(asset.cost).toBeCloseTo(expectedCost, 6);
    expect(asset).not.toHaveProperty('storageKey');

    const file = await download(t.http, user, asset.url);
    const metadata = await sharp(file.bytes).metadata();
    expect(metadata.format).toBe('png');
    expect(file.contentType).toContain('image/png');
    expect(asset).toMatchObject({
      width: 1024,
      height: 1536,
      format: 'png',
      mimeType: 'image/png',
      fileSize: file.bytes.length,
    });
    expect([metadata.width, metadata.height]).toEqual([1024, 1536]);

    const thumbnail = await download(t.http, user, asset.thumbnailUrl);
    expect((await sharp(thumbnail.bytes).metadata()).format).toBe('webp');

    const [sent] = fake.requestsTo('images');
    expect(sent.body).toEqual({ model: 'gpt-image-2', prompt, n: 1, size: '1024x1536', quality: 'low' });
  });

  it('streams progress over SSE in order, ending with the completed job, then closes', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'latency', ms: 400, route: 'images' });
    const jobId = await startImageJob(t.http, user, {
      prompt: 'Paper boats on a pond',
      model: 'gpt-image-1',
      outputFormat: 'webp',
    });

    const res = await t.http
      .get(`${BASE}/jobs/${jobId}/events`)
      .set(bearer(user))
      .buffer(true)
      .parse(collectBody)
      .expect(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const events = parseEvents((res.body as Buffer).toString('utf8'));

    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.slice(0, -1).every((event) => event.event === 'progress')).toBe(true);
    const last = events[events.length - 1];
    expect(last.event).toBe('completed');
    expect(last.data).toMatchObject({ jobId, status: 'completed', progress: 100 });
    expect(last.data.assets[0]).toMatchObject({ format: 'webp', mimeType: 'image/webp' });
    expect(events.some((event) => event.data.status === 'processing')).toBe(true);
    const progress = events.map((event) => event.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
  });

  it('downloads URL answers at once (DALL-E 3 parameters) and keeps the revised prompt', async () => {
    const user = newUserId();
    fake.setImageResponseFormat('url');
    const jobId = await startImageJob(t.http, user, {
      prompt: 'A glass teapot',
      model: 'dall-e-3',
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
    });
    const job = await waitForJobStatus(t.http, user, jobId);
    expect(job.status).toBe('completed');
    expect(job.assets[0]).toMatchObject({ width: 1792, height: 1024, metadata: { revisedPrompt: 'A glass teapot' } });
    expect(job.cost).toBeCloseTo(0.12, 6);
    expect(fake.requests.filter((request) => request.route === 'files')).toHaveLength(1);
    expect(fake.requestsTo('images')[0].body).toEqual({
      model: 'dall-e-3',
      prompt: 'A glass teapot',
      n: 1,
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
      response_format: 'b64_json',
    });
  });

  it('generates with Stability: multipart fields, seed, aspect ratio and output format', async () => {
    const user = newUserId();
    const jobId = await startImageJob(t.http, user, {
      prompt: 'A castle on a cliff',
      negativePrompt: 'blurry',
      model: 'core',
      aspectRatio: '16:9',
      seed: 1234,
      outputFormat: 'webp',
    });
    const job = await waitForJobStatus(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', provider: 'stability', model: 'core', cost: 0.03 });
    expect(job.assets[0]).toMatchObject({
      width: 1344,
      height: 768,
      format: 'webp',
      seed: '1234',
      negativePrompt: 'blurry',
    });
    const [sent] = fake.requestsTo('stability');
    expect(sent.path).toBe('/v2beta/stable-image/generate/core');
    expect(sent.headers.authorization).toBe('Bearer sk-test-images');
    expect(sent.fields).toEqual({
      prompt: 'A castle on a cliff',
      negative_prompt: 'blurry',
      aspect_ratio: '16:9',
      seed: '1234',
      output_format: 'webp',
    });
  });

  it('sends every OpenAI model family only the parameters it accepts, matching CreateImageRequest; answers match ImagesResponse', async () => {
    const user = newUserId();
    const requests = [
      { prompt: 'fidelity one', model: 'gpt-image-2', quality: 'high', background: 'transparent', outputFormat: 'png' },
      { prompt: 'fidelity two', model: 'gpt-image-1.5', size: '1024x1024', quality: 'medium', n: 2 },
      { prompt: 'fidelity three', model: 'gpt-image-1', outputFormat: 'jpeg', quality: 'auto' },
      { prompt: 'fidelity four', model: 'dall-e-3', size: '1024x1024', quality: 'standard', style: 'vivid' },
      { prompt: 'fidelity five', model: 'dall-e-2', size: '256x256', n: 2 },
    ];
    for (const body of requests) {
      const job = await waitForJobStatus(t.http, user, await startImageJob(t.http, user, body));
      expect(job.status).toBe('completed');
      expect(job.assets).toHaveLength((body as { n?: number }).n ?? 1);
    }
    const sent = fake.requestsTo('images');
    expect(sent).toHaveLength(requests.length);
    for (const request of sent) assertMatchesOpenAiSchema('CreateImageRequest', request.body);
    const answers = proxy.exchanges.filter((exchange) => exchange.path === '/v1/images/generations');
    expect(answers.map((exchange) => exchange.status)).toEqual(requests.map(() => 200));
    for (const exchange of answers) assertMatchesOpenAiSchema('ImagesResponse', exchange.responseBody);
    for (const request of sent.filter((r) => String((r.body as { model: string }).model).startsWith('gpt-image'))) {
      expect(request.body).not.toHaveProperty('response_format');
      expect(request.body).not.toHaveProperty('style');
    }
    expect(fake.schemaViolations).toEqual([]);
  });

  it('refuses requests a model cannot serve with a 400 naming the problem, before queueing anything', async () => {
    const user = newUserId();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ prompt: 'x', model: 'dall-e-3', n: 2 }, 'n must be at most 1 for dall-e-3'],
      [
        { prompt: 'x', model: 'gpt-image-1', size: '999x999' },
        'size must be one of auto, 1024x1024, 1536x1024, 1024x1536 for gpt-image-1',
      ],
      [
        { prompt: 'x', model: 'gpt-image-1', quality: 'hd' },
        'quality must be one of auto, low, medium, high for gpt-image-1',
      ],
      [{ prompt: 'x', model: 'gpt-image-2', seed: 3 }, 'seed is not supported by gpt-image-2'],
      [{ prompt: 'x', model: 'dall-e-2', prompt2: 1 }, 'property prompt2 should not exist'],
      [{ prompt: 'x'.repeat(1001), model: 'dall-e-2' }, 'prompt must be at most 1000 characters for dall-e-2'],
      [{ prompt: 'x', model: 'core', size: '1024x1024' }, 'size is not supported by core; use aspectRatio'],
      [{ prompt: 'x', model: 'core', aspectRatio: '7:3' }, 'aspectRatio must be one of'],
      [{ prompt: 'x', model: 'no-such-model' }, 'Unknown image model no-such-model'],
      [{ model: 'placeholder' }, 'prompt'],
      [{ prompt: '   ', model: 'placeholder' }, 'prompt should not be empty'],
      [{ prompt: 'x', n: 11 }, 'n must be at most 10'],
      [{ prompt: 'x', priority: 11 }, 'priority must not be greater than 10'],
      [
        { prompt: 'x', templateId: '6f1c2f4e-1111-4111-8111-111111111111' },
        'Give either prompt or templateId, not both',
      ],
      [{ prompt: 'x', variables: { a: 'b' } }, 'variables are only used with templateId'],
    ];
    for (const [body, message] of cases) {
      const res = await t.http.post(`${BASE}/image/generate`).set(bearer(user)).send(body);
      expect({ body, status: res.status, error: res.body.error }).toEqual({
        body,
        status: 400,
        error: 'VALIDATION_FAILED',
      });
      expect(res.body.message).toContain(message);
    }
    const badKey = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .set('Idempotency-Key', 'x'.repeat(256))
      .send(imageRequest());
    expect(badKey.status).toBe(400);
    const jobs = await t.http.get(`${BASE}/jobs`).set(bearer(user)).expect(200);
    expect(jobs.body.items).toEqual([]);
  });

  it('returns the same job for the same Idempotency-Key and body from the same user, a new one for another user', async () => {
    const user = newUserId();
    const key = `key-${user}`;
    const body = imageRequest();
    const [first, second] = await Promise.all([
      startImageJob(t.http, user, body, { 'Idempotency-Key': key }),
      startImageJob(t.http, user, body, { 'Idempotency-Key': key }),
    ]);
    // The same request with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const third = await startImageJob(t.http, user, reordered, { 'Idempotency-Key': key });
    expect(second).toBe(first);
    expect(third).toBe(first);
    const other = newUserId();
    const othersJob = await startImageJob(t.http, other, imageRequest({ prompt: 'something else entirely' }), {
      'Idempotency-Key': key,
    });
    expect(othersJob).not.toBe(first);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);
    await waitForJobStatus(t.http, user, first);
    await waitForJobStatus(t.http, other, othersJob);
    expect(await t.prisma.creativeAsset.count({ where: { generationId: first } })).toBe(1);
  });

  it('refuses an Idempotency-Key reused with a different request: 422 IDEMPOTENCY_KEY_REUSED, nothing queued', async () => {
    const user = newUserId();
    const key = `reused-${user}`;
    const body = imageRequest();
    const first = await startImageJob(t.http, user, body, { 'Idempotency-Key': key });
    for (const different of [
      { ...body, prompt: 'something else entirely' },
      { ...body, seed: 42 },
      { ...body, size: undefined },
    ]) {
      const res = await t.http
        .post(`${BASE}/image/generate`)
        .set(bearer(user))
        .set('Idempotency-Key', key)
        .send(different);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        success: false,
        statusCode: 422,
        error: 'IDEMPOTENCY_KEY_REUSED',
        message: expect.stringContaining('different request'),
      });
    }
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);

    // The key of a generation is not the key of a regeneration, and a regeneration's key is tied to its asset.
    const job = await waitForJobStatus(t.http, user, first);
    const assetId = job.assets[0].id;
    const asRegenerate = await t.http
      .post(`${BASE}/image/${assetId}/regenerate`)
      .set(bearer(user))
      .set('Idempotency-Key', key)
      .send({});
    expect([asRegenerate.status, asRegenerate.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);

    const regenerateKey = `regenerate-${user}`;
    const regenerate = (target: string, change: Record<string, unknown>) =>
      t.http
        .post(`${BASE}/image/${target}/regenerate`)
        .set(bearer(user))
        .set('Idempotency-Key', regenerateKey)
        .send(change);
    const regenerated = await regenerate(assetId, { size: '320x200' }).expect(202);
    expect((await regenerate(assetId, { size: '320x200' }).expect(202)).body.jobId).toBe(regenerated.body.jobId);
    const changed = await regenerate(assetId, { size: '128x128' });
    expect([changed.status, changed.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const otherAsset = (await waitForJobStatus(t.http, user, regenerated.body.jobId)).assets[0].id;
    const elsewhere = await regenerate(otherAsset, { size: '320x200' });
    expect([elsewhere.status, elsewhere.body.error]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(2);
  });

  it('applies the same check when two requests with one key race to insert (the unique index decides)', async () => {
    const user = newUserId();
    const key = `race-${user}`;
    const body = imageRequest();
    const first = await startImageJob(t.http, user, body, { 'Idempotency-Key': key });
    // Make the look-up before the INSERT miss, as when the other request had not committed yet.
    const lookup = jest.spyOn(t.app.get(GenerationJobsRepository), 'findByIdempotencyKey');
    try {
      lookup.mockResolvedValueOnce(null);
      expect(await startImageJob(t.http, user, body, { 'Idempotency-Key': key })).toBe(first);
      lookup.mockResolvedValueOnce(null);
      const lost = await t.http
        .post(`${BASE}/image/generate`)
        .set(bearer(user))
        .set('Idempotency-Key', key)
        .send({ ...body, prompt: 'another prompt' });
      expect(lost.status).toBe(422);
      expect(lost.body).toMatchObject({ success: false, statusCode: 422, error: 'IDEMPOTENCY_KEY_REUSED' });
    } finally {
      lookup.mockRestore();
    }
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);
  });

  it('regenerates an asset with modifications: a new asset linked by parentAssetId', async () => {
    const user = newUserId();
    const original = await waitForJobStatus(
      t.http,
      user,
      await startImageJob(
        t.http,
        user,
        imageRequest({ prompt: 'A quiet harbour', negativePrompt: 'people', seed: 7, tags: ['Harbour'] }),
      ),
    );
    const parent = original.assets[0];

    const res = await t.http
      .post(`${BASE}/image/${parent.id}/regenerate`)
      .set(bearer(user))
      .send({ prompt: 'A quiet harbour at night', size: '320x200', steps: 30 })
      .expect(202);
    const job = await waitForJobStatus(t.http, user, res.body.jobId);
    expect(job).toMatchObject({
      status: 'completed',
      type: 'image_regeneration',
      parentAssetId: parent.id,
      model: 'placeholder',
    });
    expect(job.assets[0]).toMatchObject({
      parentAssetId: parent.id,
      prompt: 'A quiet harbour at night',
      negativePrompt: 'people',
      width: 320,
      height: 200,
      steps: 30,
      tags: ['harbour'],
      seed: null,
    });
    expect(job.assets[0].id).not.toBe(parent.id);

    const toDalle = await t.http
      .post(`${BASE}/image/${parent.id}/regenerate`)
      .set(bearer(user))
      .send({ model: 'dall-e-3' });
    expect(toDalle.status).toBe(400);
    expect(toDalle.body.message).toContain('negativePrompt is not supported by dall-e-3');
  });

  it('generates from an image template with variables and counts the use once the image is saved', async () => {
    const user = newUserId();
    const template = await t.http
      .post(`${BASE}/template`)
      .set(bearer(user))
      .send(
        templateBody({
          type: 'image',
          prompt: 'A {{animal}} astronaut, {{style}}',
          variables: [
            { name: 'animal', required: true },
            { name: 'style', required: false, default: 'oil painting' },
          ],
          model: 'placeholder',
          parameters: { size: '128x128' },
        }),
      )
      .expect(201);
    const jobId = await startImageJob(t.http, user, { templateId: template.body.id, variables: { animal: 'otter' } });
    const job = await waitForJobStatus(t.http, user, jobId);
    expect(job).toMatchObject({
      status: 'completed',
      prompt: 'A otter astronaut, oil painting',
      templateId: template.body.id,
      model: 'placeholder',
    });
    expect(job.assets[0]).toMatchObject({ width: 128, height: 128 });
    const after = await t.http.get(`${BASE}/template/${template.body.id}`).set(bearer(user)).expect(200);
    expect(after.body.usageCount).toBe(1);

    const missing = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ templateId: template.body.id });
    expect(missing.status).toBe(400);
    const textTemplate = await t.http.post(`${BASE}/template`).set(bearer(user)).send(templateBody()).expect(201);
    const wrongType = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ templateId: textTemplate.body.id, variables: { topic: 'x' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('image generation needs an image template');
  });

  it("answers 404 for another user's job or asset on every route, and lists only the caller's own", async () => {
    const owner = newUserId();
    const intruder = newUserId();
    const job = await waitForJobStatus(t.http, owner, await startImageJob(t.http, owner, imageRequest()));
    const assetId = job.assets[0].id;

    const attempts = [
      t.http.get(`${BASE}/image/${job.jobId}/status`),
      t.http.post(`${BASE}/jobs/${job.jobId}/cancel`),
      t.http.get(`${BASE}/jobs/${job.jobId}/events`),
      t.http.post(`${BASE}/image/${assetId}/regenerate`).send({}),
    ];
    for (const attempt of attempts) {
      const res = await attempt.set(bearer(intruder));
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, error: 'NOT_FOUND' });
    }
    expect((await t.http.get(`${BASE}/jobs`).set(bearer(intruder)).expect(200)).body.items).toEqual([]);
    expect((await t.http.get(`${BASE}/images`).set(bearer(intruder)).expect(200)).body.items).toEqual([]);
    expect(
      (await t.http.get(`${BASE}/images`).set(bearer(owner)).expect(200)).body.items.map((a: { id: string }) => a.id),
    ).toEqual([assetId]);
    const notUuid = await t.http.get(`${BASE}/image/not-a-uuid/status`).set(bearer(owner));
    expect(notUuid.status).toBe(400);
  });

  it('lists jobs newest first with status/type filters and cursor pagination', async () => {
    const user = newUserId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await startImageJob(t.http, user, imageRequest()));
    for (const id of ids) await waitForJobStatus(t.http, user, id);
    const parentAsset = (await jobStatus(t.http, user, ids[0])).assets[0];
    const regen = await t.http
      .post(`${BASE}/image/${parentAsset.id}/regenerate`)
      .set(bearer(user))
      .send({})
      .expect(202);
    await waitForJobStatus(t.http, user, regen.body.jobId);

    const first = await t.http.get(`${BASE}/jobs?limit=2`).set(bearer(user)).expect(200);
    expect(first.body.items.map((j: { id: string }) => j.id)).toEqual([regen.body.jobId, ids[2]]);
    const second = await t.http
      .get(`${BASE}/jobs?limit=2&cursor=${first.body.nextCursor}`)
      .set(bearer(user))
      .expect(200);
    expect(second.body.items.map((j: { id: string }) => j.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.nextCursor).toBeNull();

    const regenerations = await t.http.get(`${BASE}/jobs?type=image_regeneration`).set(bearer(user)).expect(200);
    expect(regenerations.body.items.map((j: { id: string }) => j.id)).toEqual([regen.body.jobId]);
    const completed = await t.http.get(`${BASE}/jobs?status=completed,failed`).set(bearer(user)).expect(200);
    expect(completed.body.items).toHaveLength(4);
    expect((await t.http.get(`${BASE}/jobs?status=queued`).set(bearer(user)).expect(200)).body.items).toEqual([]);
    expect((await t.http.get(`${BASE}/jobs?status=done`).set(bearer(user))).status).toBe(400);
    expect((await t.http.get(`${BASE}/jobs?cursor=bogus`).set(bearer(user))).status).toBe(400);
  });

  it('estimates a new job from the actual times of recent completed jobs of the same model', async () => {
    const user = newUserId();
    const model = 'gpt-image-1';
    await waitForJobStatus(t.http, user, await startImageJob(t.http, user, { prompt: 'estimate me', model }));
    const recent = await t.prisma.generationJob.findMany({
      where: { model, status: 'completed' },
      orderBy: { completedAt: 'desc' },
      take: 20,
    });
    const mean = Math.round(recent.reduce((sum, job) => sum + (job.actualTime ?? 0), 0) / recent.length);
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'and me', model })
      .expect(202);
    expect(res.body.estimatedTime).toBe(mean);
    await waitForJobStatus(t.http, user, res.body.jobId);
  });
});

describe('image generation with no provider configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-placeholder`,
      OPENAI_API_KEY: '',
      STABILITY_API_KEY: '',
    });
  });
  afterAll(() => t.close());

  it('uses the placeholder provider end to end: a deterministic PNG drawn from the prompt, cost 0, labelled', async () => {
    const user = newUserId();
    const first = await waitForJobStatus(
      t.http,
      user,
      await startImageJob(t.http, user, { prompt: 'A tiny robot gardening', size: '300x200' }),
    );
    expect(first).toMatchObject({ status: 'completed', provider: 'placeholder', model: 'placeholder', cost: 0 });
    expect(first.assets[0]).toMatchObject({ width: 300, height: 200, format: 'png', metadata: { placeholder: true } });
    const second = await waitForJobStatus(
      t.http,
      user,
      await startImageJob(t.http, user, { prompt: 'A tiny robot gardening', size: '300x200' }),
    );
    const [a, b] = await Promise.all(
      [first, second].map(
        async (job) =>
          (await t.http.get(job.assets[0].url).set(bearer(user)).buffer(true).parse(collectBody).expect(200))
            .body as Buffer,
      ),
    );
    expect(a.equals(b)).toBe(true);
    expect((await sharp(a).metadata()).format).toBe('png');
  });

  it('answers 503 for a provider without credentials', async () => {
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(newUserId()))
      .send({ prompt: 'x', model: 'gpt-image-2' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'PROVIDER_NOT_CONFIGURED' });
  });

  it.each([
    [{ provider: 'openai' }, ['OPENAI_API_KEY', 'OPENAI_BASE_URL']],
    [{ model: 'gpt-image-1' }, ['OPENAI_API_KEY']],
    [{ provider: 'stability' }, ['STABILITY_API_KEY']],
    [{ model: 'ultra' }, ['STABILITY_API_KEY']],
  ])('the 503 for %j names the variables to set, and queues nothing', async (choice, variables) => {
    const user = newUserId();
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'x', ...choice });
    expect(res.body).toMatchObject({ success: false, statusCode: 503, error: 'PROVIDER_NOT_CONFIGURED' });
    for (const variable of variables) expect(res.body.message).toContain(variable);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(0);
  });

  it('regenerating onto an unconfigured provider names its variables too', async () => {
    const user = newUserId();
    const job = await waitForJobStatus(
      t.http,
      user,
      await startImageJob(t.http, user, { prompt: 'A tiny robot', size: '64x64' }),
    );
    const res = await t.http
      .post(`${BASE}/image/${job.assets[0].id}/regenerate`)
      .set(bearer(user))
      .send({ provider: 'openai', size: '1024x1024' });
    expect(res.body).toMatchObject({ statusCode: 503, error: 'PROVIDER_NOT_CONFIGURED' });
    expect(res.body.message).toContain('OPENAI_API_KEY');
  });
});
