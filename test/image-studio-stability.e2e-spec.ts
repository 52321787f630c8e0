import sharp from 'sharp';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import type { RecordedPart } from './support/fake-image-edits';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import { type JobStatusBody, waitForJobStatus } from './support/image-jobs';

const WIDTH = 64;
const HEIGHT = 48;

function mask(): Promise<Buffer> {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let index = 0; index < WIDTH * HEIGHT; index++) pixels[index * 4 + 3] = index % WIDTH < WIDTH / 2 ? 0 : 255;
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } })
    .png()
    .toBuffer();
}

const names = (parts: RecordedPart[] | undefined) => (parts ?? []).map((part) => part.name).sort();
const text = (parts: RecordedPart[] | undefined, name: string) =>
  (parts ?? []).find((part): part is Extract<RecordedPart, { value: string }> => part.name === name && 'value' in part)
    ?.value;

describe('Image Studio with stability (fake): every edit operation and upscale mode', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let assets: AssetsService;
  const owner = newUserId('studio-stability');
  let source: string;
  let maskId: string;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-test-stability' });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-studio-stability`,
      ...fakeProviderEnvironment(fake, 'sk-test-stability'),
      IMAGE_POLL_INTERVAL_MS: '50',
      IMAGE_JOB_BACKOFF_MS: '50',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
      USER_MAX_ACTIVE_JOBS: '100',
    });
    assets = t.app.get(AssetsService);
    const bytes = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#2255aa' } })
      .png()
      .toBuffer();
    source = (await assets.saveAsset(owner, { type: 'image', sourceModule: 'upload', title: 'Photo', bytes })).id;
    maskId = (
      await assets.saveAsset(owner, { type: 'image', sourceModule: 'upload', title: 'Mask', bytes: await mask() })
    ).id;
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Submits the job and waits for its end. */
  async function settle(path: string, body: Record<string, unknown>): Promise<JobStatusBody> {
    const res = await t.http.post(`${BASE}/image/${source}/${path}`).set(bearer(owner)).send(body);
    expect({ status: res.status, body: res.status === 202 ? undefined : res.body }).toEqual({ status: 202 });
    return waitForJobStatus(t.http, owner, res.body.jobId as string);
  }

  async function run(path: string, body: Record<string, unknown>): Promise<JobStatusBody> {
    const job = await settle(path, body);
    expect({ status: job.status, error: job.errorMessage }).toEqual({ status: 'completed', error: null });
    return job;
  }

  it.each([
    ['inpaint', { maskAssetId: 'MASK' }, 'edit/inpaint', ['image', 'mask', 'output_format', 'prompt'], 0.05],
    ['outpaint', {}, 'edit/outpaint', ['down', 'image', 'left', 'output_format', 'prompt', 'right', 'up'], 0.04],
    ['erase', { maskAssetId: 'MASK' }, 'edit/erase', ['image', 'mask', 'output_format'], 0.05],
    [
      'search_and_replace',
      { searchPrompt: 'the sky' },
      'edit/search-and-replace',
      ['image', 'output_format', 'prompt', 'search_prompt'],
      0.05,
    ],
    ['remove_background', {}, 'edit/remove-background', ['image', 'output_format'], 0.05],
  ] as const)(
    '%s calls stable-image/%s with its fields and prices it in credits',
    async (operation, extra, route, fields, cost) => {
      const body: Record<string, unknown> = { prompt: 'A red balloon', operation, provider: 'stability', ...extra };
      if ('maskAssetId' in extra) body.maskAssetId = maskId;
      const job = await run('edit', body);
      const [request] = fake.requestsTo('stability');
      expect(request.path).toBe(`/v2beta/stable-image/${route}`);
      expect(names(request.parts)).toEqual(fields);
      expect(job).toMatchObject({ type: 'image_edit', model: `stability-${operation}`, cost });
      expect(job.assets[0]).toMatchObject({
        parentAssetId: source,
        provider: 'stability',
        metadata: { operation },
      });
      if (operation === 'outpaint') {
        expect(text(request.parts, 'left')).toBe(String(WIDTH / 4));
        expect(job.assets[0]).toMatchObject({ width: WIDTH * 1.5, height: HEIGHT * 1.5 });
      }
      if (operation === 'search_and_replace') expect(text(request.parts, 'search_prompt')).toBe('the sky');
      if (operation === 'remove_background') {
        const file = await t.http.get(`${BASE}/asset/${job.assets[0].id}/file`).set(bearer(owner)).expect(200);
        const { data } = await sharp(file.body as Buffer)
          .ensureAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        expect(data[3]).toBe(0);
      }
    },
  );

  it('refuses what stability cannot do, naming who can: a plain edit, references, a conservative upscale without prompt', async () => {
    const post = (path: string, body: Record<string, unknown>) =>
      t.http.post(`${BASE}/image/${source}/${path}`).set(bearer(owner)).send(body);
    const edit = await post('edit', { prompt: 'x', provider: 'stability' });
    expect(edit.status).toBe(400);
    expect(edit.body.message).toBe(
      'operation edit is not available with provider stability; providers that can: openai, placeholder',
    );
    const references = await post('edit', {
      prompt: 'x',
      operation: 'inpaint',
      maskAssetId: maskId,
      provider: 'stability',
      referenceAssetIds: [source],
    });
    expect(references.status).toBe(400);
    expect(references.body.message).toMatch(
      /stability takes no reference images; providers that do: openai, placeholder/,
    );
    const noPrompt = await post('upscale', { mode: 'conservative', provider: 'stability' });
    expect(noPrompt.status).toBe(400);
    expect(fake.requestsTo('stability')).toHaveLength(0);
  });

  it.each([
    ['fast', {}, 0.02],
    ['conservative', { prompt: 'A blue photo' }, 0.4],
  ] as const)('upscales %s at once: four times larger than its source', async (mode, extra, cost) => {
    const job = await run('upscale', { mode, ...extra });
    expect(fake.requestsTo('stability').map((request) => request.path)).toEqual([
      `/v2beta/stable-image/upscale/${mode}`,
    ]);
    expect(job).toMatchObject({ type: 'image_upscale', provider: 'stability', cost });
    expect(job.assets[0]).toMatchObject({ width: WIDTH * 4, height: HEIGHT * 4, metadata: { operation: 'upscale' } });
  });

  it('upscales creative by polling results/{id}, the id recorded on the job before the first poll', async () => {
    fake.stabilityStudio.hold();
    const res = await t.http
      .post(`${BASE}/image/${source}/upscale`)
      .set(bearer(owner))
      .send({ mode: 'creative', prompt: 'A blue photo' })
      .expect(202);
    const jobId = res.body.jobId as string;
    await waitForJobStatus(t.http, owner, jobId, ['processing']);
    const polling = await (async () => {
      for (let tries = 0; tries < 200; tries++) {
        if (fake.stabilityStudio.resultPolls.length >= 2) return true;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return false;
    })();
    expect(polling).toBe(true);
    const row = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(row.providerJobId).toBe(fake.stabilityStudio.resultPolls[0].id);
    fake.stabilityStudio.release();
    const job = await waitForJobStatus(t.http, owner, jobId);
    expect(job).toMatchObject({ status: 'completed', cost: 0.6 });
    expect(job.assets[0]).toMatchObject({ width: WIDTH * 4, height: HEIGHT * 4, parentAssetId: source });
    expect(fake.stabilityStudio.createdCount).toBe(1);
    expect(fake.requestsTo('stability').filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('retries an edit stability answered with a server error', async () => {
    fake.enqueue({ kind: 'server_error', route: 'stability' });
    const job = await run('edit', { prompt: 'x', operation: 'remove_background', provider: 'stability' });
    expect(job.attempts).toBe(2);
    expect(fake.requestsTo('stability')).toHaveLength(2);
  });

  it.each([
    ['an inpaint its moderation refused (403 content_moderation)', 'edit', 'input', { operation: 'inpaint' }],
    ['a remove_background it refused', 'edit', 'input', { operation: 'remove_background' }],
    ['a fast upscale whose image it filtered (CONTENT_FILTERED)', 'upscale', 'output', { mode: 'fast' }],
    ['a creative upscale whose result it filtered', 'upscale', 'output', { mode: 'creative', prompt: 'Sharper' }],
  ] as const)('fails at once, never retried, %s', async (_case, path, stage, extra) => {
    fake.enqueue({ kind: 'content_policy', stage, route: 'stability' });
    const body: Record<string, unknown> = { prompt: 'Something not allowed', provider: 'stability', ...extra };
    if (body.operation === 'inpaint') body.maskAssetId = maskId;
    const job = await settle(path, body);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(job.errorMessage).toMatch(
      stage === 'input'
        ? /^stability answered HTTP 403: Your request was flagged by our content moderation system/
        : /^stability filtered the image for content/,
    );
    expect(fake.requestsTo('stability').filter((request) => request.method === 'POST')).toHaveLength(1);
  });
});
