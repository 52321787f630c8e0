import sharp from 'sharp';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, sha256 } from './support/factories';
import { FAKE_IMAGE_INPUT_TOKENS, type RecordedPart } from './support/fake-image-edits';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import { waitForJobStatus } from './support/image-jobs';

const WIDTH = 64;
const HEIGHT = 48;

const solid = (colour: string) =>
  sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: colour } })
    .png()
    .toBuffer();

/** A mask, transparent on its left half. */
function mask(width = WIDTH, height = HEIGHT): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let index = 0; index < width * height; index++) pixels[index * 4 + 3] = index % width < width / 2 ? 0 : 255;
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

const fileParts = (parts: RecordedPart[] | undefined, name: string) =>
  (parts ?? []).filter(
    (part): part is Extract<RecordedPart, { sha256: string }> => part.name === name && 'sha256' in part,
  );
const textPart = (parts: RecordedPart[] | undefined, name: string) =>
  (parts ?? []).find((part): part is Extract<RecordedPart, { value: string }> => part.name === name && 'value' in part)
    ?.value;

describe('Image Studio with openai (fake): /v1/images/edits through the real SDK', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let assets: AssetsService;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-test-studio' });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-studio-openai`,
      ...fakeProviderEnvironment(fake, 'sk-test-studio'),
      IMAGE_JOB_BACKOFF_MS: '50',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    assets = t.app.get(AssetsService);
  });
  afterEach(() => {
    fake.assertNoSchemaViolations();
    fake.reset();
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const save = async (userId: string, bytes: Buffer, isPublic = false) =>
    (await assets.saveAsset(userId, { type: 'image', sourceModule: 'upload', title: 'Input', bytes, isPublic })).id;

  it('sends the source, the mask and every reference as multipart parts; the result links its source and costs its tokens', async () => {
    const owner = newUserId('studio-openai');
    const other = newUserId('studio-other');
    const [sourceBytes, maskBytes, ownRefBytes, publicRefBytes] = await Promise.all([
      solid('#3366cc'),
      mask(),
      solid('#cc3333'),
      solid('#33cc33'),
    ]);
    const source = await save(owner, sourceBytes);
    const maskId = await save(owner, maskBytes);
    const ownRef = await save(owner, ownRefBytes);
    const publicRef = await save(other, publicRefBytes, true);
    const res = await t.http
      .post(`${BASE}/image/${source}/edit`)
      .set(bearer(owner))
      .send({
        prompt: 'A kite in the sky, in the style of the references',
        operation: 'inpaint',
        maskAssetId: maskId,
        referenceAssetIds: [ownRef, publicRef],
        provider: 'openai',
        model: 'gpt-image-2',
        n: 2,
        quality: 'high',
        inputFidelity: 'high',
        outputFormat: 'webp',
      })
      .expect(202);
    const job = await waitForJobStatus(t.http, owner, res.body.jobId as string);
    expect({ status: job.status, error: job.errorMessage }).toEqual({ status: 'completed', error: null });

    const [request] = fake.requestsTo('image_edits');
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(fileParts(request.parts, 'image[]').map((part) => part.sha256)).toEqual([
      sha256(sourceBytes),
      sha256(ownRefBytes),
      sha256(publicRefBytes),
    ]);
    expect(fileParts(request.parts, 'mask').map((part) => part.sha256)).toEqual([sha256(maskBytes)]);
    expect({
      model: textPart(request.parts, 'model'),
      n: textPart(request.parts, 'n'),
      quality: textPart(request.parts, 'quality'),
      input_fidelity: textPart(request.parts, 'input_fidelity'),
      output_format: textPart(request.parts, 'output_format'),
    }).toEqual({ model: 'gpt-image-2', n: '2', quality: 'high', input_fidelity: 'high', output_format: 'webp' });

    expect(job.assets).toHaveLength(2);
    for (const asset of job.assets) {
      expect(asset).toMatchObject({
        parentAssetId: source,
        provider: 'openai',
        model: 'gpt-image-2',
        mimeType: 'image/webp',
        metadata: { operation: 'inpaint', parameters: { maskAssetId: maskId, referenceAssetIds: [ownRef, publicRef] } },
      });
    }
    // Tokens as the fake reports them: the prompt's, three input images', and two images' output.
    const prompt = 'A kite in the sky, in the style of the references';
    const inputTokens = Math.ceil(prompt.length / 4) + 3 * FAKE_IMAGE_INPUT_TOKENS;
    const { inputPerMillion, outputPerMillion } = t.config.pricing.image['gpt-image-2'].tokens!;
    expect(job.cost).toBeCloseTo((inputTokens * inputPerMillion + 2 * 1056 * outputPerMillion) / 1_000_000, 6);
    const lineage = await t.http.get(`${BASE}/asset/${source}/lineage`).set(bearer(owner)).expect(200);
    expect(lineage.body.descendants.map((row: { id: string }) => row.id).sort()).toEqual(
      job.assets.map((asset) => asset.id).sort(),
    );
  });

  it('refuses a mask of the wrong size with a 400 before any job or provider call', async () => {
    const owner = newUserId('studio-openai');
    const source = await save(owner, await solid('#123456'));
    const small = await save(owner, await mask(32, 24));
    const res = await t.http
      .post(`${BASE}/image/${source}/edit`)
      .set(bearer(owner))
      .send({ prompt: 'x', operation: 'inpaint', maskAssetId: small, provider: 'openai' })
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'maskAssetId', problems: [expect.stringMatching(/must be the size/)] }]);
    expect(await t.prisma.generationJob.count({ where: { userId: owner } })).toBe(0);
    expect(fake.requestsTo('image_edits')).toHaveLength(0);
  });

  it('retries an edit the provider rate-limited, and fails one it refused for content policy', async () => {
    const owner = newUserId('studio-openai');
    const source = await save(owner, await solid('#654321'));
    fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 0, route: 'image_edits' });
    const retried = await t.http
      .post(`${BASE}/image/${source}/edit`)
      .set(bearer(owner))
      .send({ prompt: 'Add a hat', provider: 'openai' })
      .expect(202);
    const done = await waitForJobStatus(t.http, owner, retried.body.jobId as string);
    expect({ status: done.status, attempts: done.attempts }).toEqual({ status: 'completed', attempts: 2 });

    // The GPT image models' refusal: 400 moderation_blocked.
    fake.enqueue({ kind: 'content_policy', route: 'image_edits' });
    const editCallsBefore = fake.requestsTo('image_edits').length;
    const refused = await t.http
      .post(`${BASE}/image/${source}/edit`)
      .set(bearer(owner))
      .send({ prompt: 'Something not allowed', provider: 'openai' })
      .expect(202);
    const failed = await waitForJobStatus(t.http, owner, refused.body.jobId as string);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(failed.errorMessage).toMatch(/^openai answered HTTP 400: Your request was rejected by the safety system/);
    expect(fake.requestsTo('image_edits')).toHaveLength(editCallsBefore + 1);
  });
});
