import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type TestAgent from 'supertest/lib/agent';
import { IMAGE_GENERATION_QUEUE } from '../src/queue/queue.constants';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { fakeSpeechDuration, type SpeechRequestBody } from './support/fake-speech';
import { JobStatusBody, retryGapMs, startImageJob, storedFiles, waitFor } from './support/image-jobs';
import { collectBody, download, parseEvents } from './support/http-bodies';

const RETIRED = { id: 'tts-1-hd', status: 'retired', shutdownDate: '2026-11-30', successor: 'gpt-4o-mini-tts' };
// A model an operator added, deprecated, and never priced.
const DEPRECATED = {
  id: 'tts-legacy',
  provider: 'openai',
  kinds: ['audio'],
  status: 'deprecated',
  shutdownDate: '2027-06-01',
  successor: 'gpt-4o-mini-tts',
};

async function startAudioJob(
  http: TestAgent,
  userId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await http.post(`${BASE}/audio/generate`).set(bearer(userId)).set(headers).send(body);
  if (res.status !== 202) throw new Error(`audio/generate answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.jobId as string;
}

async function getJob(http: TestAgent, userId: string, jobId: string): Promise<JobStatusBody> {
  return (await http.get(`${BASE}/jobs/${jobId}`).set(bearer(userId)).expect(200)).body as JobStatusBody;
}

/** Polls GET /jobs/:jobId until the job is finished. */
function finished(http: TestAgent, userId: string, jobId: string): Promise<JobStatusBody> {
  return waitFor(async () => {
    const job = await getJob(http, userId, jobId);
    return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, `audio job ${jobId} to finish`);
}

const round6 = (usd: number) => Math.round(usd * 1_000_000) / 1_000_000;

describe('audio generation (text to speech) with the openai provider configured', () => {
  let t: TestApp;
  let fake: FakeProvider;
  const speechBodies = () => fake.requestsTo('speech').map((request) => request.body as SpeechRequestBody);

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-audio`,
      OPENAI_API_KEY: 'sk-test-audio',
      OPENAI_BASE_URL: fake.baseUrl,
      IMAGE_JOB_ATTEMPTS: '3',
      IMAGE_JOB_BACKOFF_MS: '50',
      JOB_EVENTS_POLL_MS: '25',
      MODEL_CATALOGUE_OVERRIDES: JSON.stringify([RETIRED, DEPRECATED]),
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

  it('renders placeholder speech end to end: a WAV whose duration is read from its bytes, cost 0, labelled', async () => {
    const user = newUserId();
    const res = await t.http
      .post(`${BASE}/audio/generate`)
      .set(bearer(user))
      .send({ text: 'Hello there', provider: 'placeholder', title: 'Greeting', tags: ['Voice'], category: 'demo' })
      .expect(202);
    expect(res.body).toEqual({
      success: true,
      jobId: expect.any(String),
      status: 'queued',
      statusUrl: `${BASE}/jobs/${res.body.jobId}`,
      // From recent jobs of the model in this run's database: none yet, or some from other specs.
      estimatedTime: res.body.estimatedTime === null ? null : expect.any(Number),
    });
    const job = await finished(t.http, user, res.body.jobId);
    expect(job).toMatchObject({ status: 'completed', type: 'audio_generation', progress: 100, cost: 0 });
    const [asset] = job.assets;
    expect(asset).toMatchObject({
      type: 'audio',
      title: 'Greeting',
      tags: ['voice'],
      category: 'demo',
      mimeType: 'audio/wav',
      format: 'wav',
      provider: 'placeholder',
      model: 'placeholder-tts',
      cost: 0,
      sourceModule: 'audio_generation',
      prompt: 'Hello there',
      thumbnailUrl: null,
      metadata: { placeholder: true },
    });
    expect(job.resultUrl).toBe(asset.url);

    const file = await download(t.http, user, `${BASE}/asset/${asset.id}/file`);
    expect(file.contentType).toContain('audio/wav');
    expect(file.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(file.bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(asset.fileSize).toBe(file.bytes.length);
    // 24 kHz, 16-bit mono after the 44-byte header.
    expect(asset.duration).toBeCloseTo((file.bytes.length - 44) / 48_000, 6);
    expect(asset.duration).toBeGreaterThan(0);

    const longer = await finished(
      t.http,
      user,
      await startAudioJob(t.http, user, { text: 'Hello there, and welcome to the show', model: 'placeholder-tts' }),
    );
    expect(longer.assets[0].duration).toBeGreaterThan(asset.duration);
    expect(fake.requestsTo('speech')).toHaveLength(0);
  });

  it('speaks through OpenAI as mp3: instructions sent to gpt-4o-mini-tts, duration from the frames, priced per minute', async () => {
    const user = newUserId();
    const text = 'The autumn menu starts on Monday.';
    const jobId = await startAudioJob(t.http, user, {
      text,
      model: 'gpt-4o-mini-tts',
      voice: 'coral',
      instructions: 'Warm and unhurried',
      speed: 1.25,
    });
    const job = await finished(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 1 });
    expect(speechBodies()).toEqual([
      {
        model: 'gpt-4o-mini-tts',
        voice: 'coral',
        input: text,
        instructions: 'Warm and unhurried',
        response_format: 'mp3',
        speed: 1.25,
      },
    ]);
    const [asset] = job.assets;
    const duration = fakeSpeechDuration('mp3', text, 1.25);
    expect(asset).toMatchObject({
      type: 'audio',
      mimeType: 'audio/mpeg',
      format: 'mp3',
      provider: 'openai',
      title: text,
    });
    expect(asset.parameters).toEqual({
      voice: 'coral',
      format: 'mp3',
      speed: 1.25,
      instructions: 'Warm and unhurried',
    });
    expect(asset.duration).toBeCloseTo(duration, 6);
    expect(asset.metadata).toEqual({});
    expect(asset.cost).toBe(round6((duration / 60) * 0.015));
    expect(job.cost).toBe(asset.cost);

    const file = await download(t.http, user, `${BASE}/asset/${asset.id}/file`);
    expect(file.contentType).toContain('audio/mpeg');
    expect(file.bytes.subarray(0, 3).toString('ascii')).toBe('ID3');
    expect(file.bytes.readUInt16BE(10) & 0xffe0).toBe(0xffe0);
  });

  it('speaks every format through tts-1 without instructions, priced per character', async () => {
    const user = newUserId();
    const text = 'Every format, one sentence.';
    // The asset's format is the container read from the bytes (opus comes in Ogg).
    const expected = {
      wav: ['audio/wav', 'wav'],
      mp3: ['audio/mpeg', 'mp3'],
      aac: ['audio/aac', 'aac'],
      opus: ['audio/ogg', 'ogg'],
      flac: ['audio/flac', 'flac'],
      pcm: ['application/octet-stream', 'pcm'],
    } as const;
    const urls: Record<string, string> = {};
    for (const [requested, [mimeType, format]] of Object.entries(expected) as [
      keyof typeof expected,
      readonly string[],
    ][]) {
      const job = await finished(
        t.http,
        user,
        await startAudioJob(t.http, user, { text, model: 'tts-1', format: requested }),
      );
      expect(job.status).toBe('completed');
      expect(job.assets[0]).toMatchObject({ mimeType, format, cost: round6(text.length * 15e-6) });
      expect(job.assets[0].duration).toBeCloseTo(fakeSpeechDuration(requested, text), 6);
      urls[requested] = job.assets[0].url as string;
    }
    expect(speechBodies().map((body) => body.response_format)).toEqual(Object.keys(expected));
    for (const body of speechBodies())
      expect(body).toEqual({ model: 'tts-1', voice: 'alloy', input: text, response_format: body.response_format });
    const wav = await download(t.http, user, urls.wav);
    expect(wav.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const pcm = await download(t.http, user, urls.pcm);
    expect(pcm.contentType).toContain('application/octet-stream');
    expect(pcm.bytes.length).toBe(Math.round(fakeSpeechDuration('pcm', text) * 48_000));
  });

  it('refuses what the model does not take, listing every problem, and records nothing', async () => {
    const user = newUserId();
    const refuse = async (body: Record<string, unknown>, fields: string[]) => {
      const res = await t.http.post(`${BASE}/audio/generate`).set(bearer(user)).send(body).expect(400);
      expect(res.body).toMatchObject({ success: false, statusCode: 400, error: 'VALIDATION_FAILED' });
      expect(res.body.details.map((detail: { field: string }) => detail.field)).toEqual(fields);
      return res.body as { message: string };
    };
    expect((await refuse({ text: 'Hi', model: 'placeholder-tts', voice: 'alloy' }, ['voice'])).message).toContain(
      'tone',
    );
    await refuse({ text: 'Hi', model: 'tts-1', instructions: 'Calm' }, ['instructions']);
    await refuse({ text: 'Hi', provider: 'placeholder', format: 'mp3' }, ['format']);
    await refuse({ text: 'Hi', model: 'tts-1', voice: 'nobody', instructions: 'Calm' }, ['voice', 'instructions']);
    await refuse({ text: 'x'.repeat(4097) }, ['text']);
    await refuse({ text: '   ' }, ['text']);
    await refuse({ text: 'Hi', speed: 4.5 }, ['speed']);
    await refuse({ text: 'Hi', speed: 0.2 }, ['speed']);
    await refuse({ text: 'Hi', format: 'ogg' }, ['format']);
    await refuse({ text: 'Hi', model: 'gpt-image-2' }, ['model']);
    await refuse({ text: 'Hi', model: 'tts-1', provider: 'placeholder' }, ['model']);
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(0);
  });

  it('refuses a retired model with MODEL_RETIRED naming its successor', async () => {
    const res = await t.http
      .post(`${BASE}/audio/generate`)
      .set(bearer(newUserId()))
      .send({ text: 'Hi', model: 'tts-1-hd' })
      .expect(400);
    expect(res.body).toMatchObject({ success: false, error: 'MODEL_RETIRED' });
    expect(res.body.message).toContain('gpt-4o-mini-tts');
  });

  it('runs a deprecated model with Deprecation and Sunset headers and a warning; an unpriced model costs null', async () => {
    const user = newUserId();
    const res = await t.http
      .post(`${BASE}/audio/generate`)
      .set(bearer(user))
      .send({ text: 'Going away soon', model: 'tts-legacy' })
      .expect(202);
    const warning = 'model tts-legacy is deprecated; shut down on 2027-06-01; use gpt-4o-mini-tts';
    expect(res.body).toMatchObject({ warnings: [warning], modelShutdownDate: '2027-06-01' });
    expect(res.headers.deprecation).toBe(`@${Date.parse('2027-06-01T00:00:00Z') / 1000}`);
    expect(res.headers.sunset).toBe(new Date('2027-06-01T00:00:00Z').toUTCString());
    const job = await finished(t.http, user, res.body.jobId);
    expect(job).toMatchObject({ status: 'completed', cost: null });
    expect(job.assets[0]).toMatchObject({ model: 'tts-legacy', cost: null, parameters: { warnings: [warning] } });
    expect(speechBodies()[0]).toMatchObject({ model: 'tts-legacy' });
  });

  it('answers a repeated Idempotency-Key with the same job, and another body with that key with a 422', async () => {
    const user = newUserId();
    const key = { 'Idempotency-Key': `audio-${user}` };
    const body = { text: 'Say it once', provider: 'placeholder' };
    const first = await startAudioJob(t.http, user, body, key);
    expect(await startAudioJob(t.http, user, body, key)).toBe(first);
    const reused = await t.http
      .post(`${BASE}/audio/generate`)
      .set(bearer(user))
      .set(key)
      .send({ ...body, text: 'Say it twice' })
      .expect(422);
    expect(reused.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.prisma.generationJob.count({ where: { userId: user } })).toBe(1);
  });

  it('cancels a job while the provider speaks: it stops at its next step and stores nothing', async () => {
    const user = newUserId();
    const before = await storedFiles(t.config.storageDir);
    fake.enqueue({ kind: 'latency', ms: 600, route: 'speech' });
    const jobId = await startAudioJob(t.http, user, { text: 'Cancel me midway', model: 'tts-1' });
    await waitFor(() => (fake.requestsTo('speech').length === 1 ? true : undefined), 'the provider call');
    const res = await t.http.post(`${BASE}/jobs/${jobId}/cancel`).set(bearer(user)).expect(200);
    expect(res.body).toMatchObject({ success: true, job: { id: jobId, status: 'cancelled' } });

    const queue = t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
    const bullJob = await queue.getJob(jobId);
    await waitFor(async () => ((await bullJob?.isCompleted()) ? true : undefined), 'the worker to stop');
    expect((await queue.getJob(jobId))?.returnvalue).toBe('cancelled');
    expect(await getJob(t.http, user, jobId)).toMatchObject({ status: 'cancelled', assets: [] });
    expect(await storedFiles(t.config.storageDir)).toEqual(before);
  });

  it('retries a 429 no sooner than its Retry-After, then completes', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 1, route: 'speech' });
    const jobId = await startAudioJob(t.http, user, { text: 'Rate limited', model: 'tts-1' });
    // The exponential backoff alone would retry after 50 ms.
    expect(await retryGapMs(fake, 'speech')).toBeGreaterThanOrEqual(900);
    const job = await finished(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'completed', attempts: 2, errorMessage: null });
    expect(job.assets).toHaveLength(1);
  });

  it("fails with the provider's message once 5xx answers use up every attempt, without assets", async () => {
    const user = newUserId();
    fake.enqueue(...[1, 2, 3].map(() => ({ kind: 'server_error' as const, route: 'speech' as const })));
    const job = await finished(t.http, user, await startAudioJob(t.http, user, { text: 'Always failing' }));
    expect(job).toMatchObject({ status: 'failed', attempts: 3, assets: [] });
    expect(job.errorMessage).toContain('The server had an error while processing your request');
    expect(fake.requestsTo('speech')).toHaveLength(3);
  });

  it('fails a content-policy refusal at once, without retrying', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'content_policy', route: 'speech' });
    const job = await finished(t.http, user, await startAudioJob(t.http, user, { text: 'Something refused' }));
    expect(job).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(job.errorMessage).toContain('safety system');
    // Give a wrongly scheduled retry the time it would need (backoff 50 ms) before counting requests.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requestsTo('speech')).toHaveLength(1);
  });

  it('refuses bytes that are not the requested format, and retries', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'malformed_json', route: 'speech' });
    const job = await finished(t.http, user, await startAudioJob(t.http, user, { text: 'Garbled', model: 'tts-1' }));
    expect(job).toMatchObject({ status: 'completed', attempts: 2 });
    expect(job.assets[0].mimeType).toBe('audio/mpeg');
    expect(fake.requestsTo('speech')).toHaveLength(2);
  });

  it('streams the progress of an audio job over SSE, ending with the completed job', async () => {
    const user = newUserId();
    fake.enqueue({ kind: 'latency', ms: 300, route: 'speech' });
    const jobId = await startAudioJob(t.http, user, { text: 'Streamed progress', model: 'tts-1' });
    const res = await t.http
      .get(`${BASE}/jobs/${jobId}/events`)
      .set(bearer(user))
      .buffer(true)
      .parse(collectBody)
      .expect(200);
    const events = parseEvents((res.body as Buffer).toString('utf8'));
    expect(events.slice(0, -1).every((event) => event.event === 'progress')).toBe(true);
    expect(events.some((event) => event.data.status === 'processing')).toBe(true);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ event: 'completed', data: { jobId, status: 'completed', progress: 100 } });
    expect(last.data.assets[0]).toMatchObject({ type: 'audio', mimeType: 'audio/mpeg' });
  });

  it('lists audio jobs under GET /jobs?type=audio_generation, apart from image jobs', async () => {
    const user = newUserId();
    const audio = await startAudioJob(t.http, user, { text: 'Listed', provider: 'placeholder' });
    const image = await startImageJob(t.http, user, imageRequest());
    const res = await t.http.get(`${BASE}/jobs`).query({ type: 'audio_generation' }).set(bearer(user)).expect(200);
    expect(res.body.items.map((job: { id: string; type: string }) => [job.id, job.type])).toEqual([
      [audio, 'audio_generation'],
    ]);
    expect(image).not.toBe(audio);
  });

  it('shows the speech models as configured, gpt-4o-mini-tts and placeholder-tts as their defaults', async () => {
    const res = await t.http.get(`${BASE}/models`).query({ kind: 'audio' }).set(bearer(newUserId())).expect(200);
    const byId = Object.fromEntries(res.body.items.map((model: { id: string }) => [model.id, model]));
    expect(byId['gpt-4o-mini-tts']).toMatchObject({ configured: true, isDefault: true });
    expect(byId['tts-1']).toMatchObject({ configured: true, isDefault: false });
    expect(byId['tts-1-hd']).toMatchObject({ status: 'retired', successor: 'gpt-4o-mini-tts' });
    expect(byId['placeholder-tts']).toMatchObject({ configured: true, isDefault: true });
  });
});

describe('audio generation without an OpenAI key', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-audio-keyless` });
  });
  afterAll(() => t.close());

  it('defaults to the placeholder, and answers 503 naming OPENAI_API_KEY for openai', async () => {
    const user = newUserId();
    const job = await finished(t.http, user, await startAudioJob(t.http, user, { text: 'Out of the box' }));
    expect(job.assets[0]).toMatchObject({ provider: 'placeholder', mimeType: 'audio/wav' });
    const res = await t.http
      .post(`${BASE}/audio/generate`)
      .set(bearer(user))
      .send({ text: 'Hi', model: 'tts-1' })
      .expect(503);
    expect(res.body).toMatchObject({ error: 'PROVIDER_NOT_CONFIGURED' });
    expect(res.body.message).toContain('OPENAI_API_KEY');
  });
});
