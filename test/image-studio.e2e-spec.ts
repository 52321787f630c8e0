import sharp from 'sharp';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { type JobStatusBody, waitForJobStatus } from './support/image-jobs';

const WIDTH = 64;
const HEIGHT = 48;

/** A white image with a red square in its middle. */
const subject = () =>
  sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#ffffff' } })
    .composite([
      {
        input: { create: { width: 16, height: 16, channels: 3, background: '#ff0000' } },
        left: 24,
        top: 16,
      },
    ])
    .png()
    .toBuffer();

/** A mask whose left half is transparent (edit there) and right half opaque (keep). */
function leftHalfMask(width = WIDTH, height = HEIGHT): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  for (let index = 0; index < width * height; index++) pixels[index * 4 + 3] = index % width < width / 2 ? 0 : 255;
  return sharp(pixels, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** An image with no alpha channel at all. */
const opaqueImage = () =>
  sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

/** The RGBA pixel at (x, y). */
async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * 4;
  return [...data.subarray(offset, offset + 4)];
}

describe('Image Studio with the placeholder provider: edits, masks, upscales, lineage, access', () => {
  let t: TestApp;
  let assets: AssetsService;

  beforeAll(async () => {
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-studio`,
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
      USER_MAX_ACTIVE_JOBS: '100',
    });
    assets = t.app.get(AssetsService);
  });
  afterAll(() => t.close());

  const saveImage = async (userId: string, bytes: Buffer, isPublic = false) =>
    (
      await assets.saveAsset(userId, {
        type: 'image',
        sourceModule: 'upload',
        title: 'Source',
        bytes,
        tags: ['studio'],
        isPublic,
      })
    ).id;

  const fileOf = async (userId: string, assetId: string) =>
    (await t.http.get(`${BASE}/asset/${assetId}/file`).set(bearer(userId)).expect(200)).body as Buffer;

  const post = (userId: string, path: string, body: Record<string, unknown>) =>
    t.http.post(`${BASE}/image/${path}`).set(bearer(userId)).send(body);

  /** Queues the request (202) and waits for the job to complete. */
  async function completed(userId: string, path: string, body: Record<string, unknown>): Promise<JobStatusBody> {
    const res = await post(userId, path, body);
    expect({ status: res.status, body: res.status === 202 ? undefined : res.body }).toEqual({ status: 202 });
    const job = await waitForJobStatus(t.http, userId, res.body.jobId as string);
    expect({ status: job.status, error: job.errorMessage }).toEqual({ status: 'completed', error: null });
    return job;
  }

  const jobCount = (userId: string) => t.prisma.generationJob.count({ where: { userId } });

  it('inpaints where the mask is transparent, keeps the rest, and links the source', async () => {
    const owner = newUserId('studio');
    const source = await saveImage(owner, await subject());
    const mask = await saveImage(owner, await leftHalfMask());
    const job = await completed(owner, `${source}/edit`, {
      prompt: 'A blue sky',
      operation: 'inpaint',
      maskAssetId: mask,
    });
    expect(job.type).toBe('image_edit');
    const [result] = job.assets;
    expect(result).toMatchObject({
      parentAssetId: source,
      sourceModule: 'image_studio',
      provider: 'placeholder',
      width: WIDTH,
      height: HEIGHT,
      prompt: 'A blue sky',
      title: 'inpaint: Source',
      tags: ['studio'],
      metadata: { operation: 'inpaint', placeholder: true, parameters: { operation: 'inpaint', maskAssetId: mask } },
    });
    const bytes = await fileOf(owner, result.id as string);
    expect(await pixel(bytes, 4, 4)).not.toEqual([255, 255, 255, 255]);
    expect(await pixel(bytes, WIDTH - 4, 4)).toEqual([255, 255, 255, 255]);
    const lineage = await t.http.get(`${BASE}/asset/${result.id}/lineage`).set(bearer(owner)).expect(200);
    expect(lineage.body.ancestors.map((row: { id: string }) => row.id)).toEqual([source]);
  });

  it('refuses a mask of the wrong size, or without alpha, with a 400 before any job', async () => {
    const owner = newUserId('studio');
    const source = await saveImage(owner, await subject());
    const small = await saveImage(owner, await leftHalfMask(32, 24));
    const opaque = await saveImage(owner, await opaqueImage());
    const wrongSize = await post(owner, `${source}/edit`, { prompt: 'x', operation: 'inpaint', maskAssetId: small });
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.message).toMatch(/32x24.*must be the size of the source, 64x48/);
    const noAlpha = await post(owner, `${source}/edit`, { prompt: 'x', operation: 'inpaint', maskAssetId: opaque });
    expect(noAlpha.status).toBe(400);
    expect(noAlpha.body.message).toMatch(/no alpha channel/);
    const noMask = await post(owner, `${source}/edit`, { prompt: 'x', operation: 'inpaint' });
    expect(noMask.body.details).toEqual([
      { field: 'maskAssetId', problems: [expect.stringMatching(/needs maskAssetId/)] },
    ]);
    expect(await jobCount(owner)).toBe(0);
  });

  it('removes the background (transparent around the subject), outpaints, erases and searches-and-replaces', async () => {
    const owner = newUserId('studio');
    const source = await saveImage(owner, await subject());
    const removed = (await completed(owner, `${source}/edit`, { prompt: 'the square', operation: 'remove_background' }))
      .assets[0];
    expect(removed).toMatchObject({ mimeType: 'image/png', metadata: { operation: 'remove_background' } });
    const cutOut = await fileOf(owner, removed.id as string);
    expect((await pixel(cutOut, 2, 2))[3]).toBe(0);
    expect(await pixel(cutOut, 32, 24)).toEqual([255, 0, 0, 255]);

    const outpainted = (await completed(owner, `${source}/edit`, { prompt: 'a meadow', operation: 'outpaint' }))
      .assets[0];
    expect(outpainted).toMatchObject({ width: WIDTH * 1.5, height: HEIGHT * 1.5 });

    const mask = await saveImage(owner, await leftHalfMask());
    const erased = (await completed(owner, `${source}/edit`, { prompt: 'x', operation: 'erase', maskAssetId: mask }))
      .assets[0];
    expect(erased.metadata).toMatchObject({ operation: 'erase' });

    const refused = await post(owner, `${source}/edit`, { prompt: 'a blue square', operation: 'search_and_replace' });
    expect(refused.status).toBe(400);
    const replaced = (
      await completed(owner, `${source}/edit`, {
        prompt: 'a blue square',
        operation: 'search_and_replace',
        searchPrompt: 'the red square',
        n: 2,
      })
    ).assets;
    expect(replaced).toHaveLength(2);
    expect(replaced[0].metadata.parameters).toMatchObject({ searchPrompt: 'the red square', n: 2 });
    const descendants = await t.http.get(`${BASE}/asset/${source}/lineage`).set(bearer(owner)).expect(200);
    expect(descendants.body.descendants).toHaveLength(5);
  });

  it('upscales with a Lanczos resize: fast and conservative 2×, creative 4×, each larger than its source', async () => {
    const owner = newUserId('studio');
    const source = await saveImage(owner, await subject());
    for (const [mode, factor] of [
      ['fast', 2],
      ['conservative', 2],
      ['creative', 4],
    ] as const) {
      const job = await completed(owner, `${source}/upscale`, { mode });
      expect(job.type).toBe('image_upscale');
      expect(job.assets[0]).toMatchObject({
        width: WIDTH * factor,
        height: HEIGHT * factor,
        parentAssetId: source,
        title: 'upscaled: Source',
        metadata: { operation: 'upscale', parameters: { mode } },
      });
    }
  });

  it("answers 404 for another user's private source, mask or reference; a public source is read, never changed", async () => {
    const owner = newUserId('studio');
    const stranger = newUserId('stranger');
    const privateImage = await saveImage(owner, await subject());
    const privateMask = await saveImage(owner, await leftHalfMask());
    const publicImage = await saveImage(owner, await subject(), true);
    const ownSource = await saveImage(stranger, await subject());
    for (const [path, body] of [
      [`${privateImage}/edit`, { prompt: 'x' }],
      [`${privateImage}/upscale`, {}],
      [`${ownSource}/edit`, { prompt: 'x', operation: 'inpaint', maskAssetId: privateMask }],
      [`${ownSource}/edit`, { prompt: 'x', referenceAssetIds: [privateImage] }],
    ] as const) {
      const res = await post(stranger, path, body);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 404, error: 'NOT_FOUND' });
    }
    expect(await jobCount(stranger)).toBe(0);

    const before = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: publicImage } });
    const [result] = (await completed(stranger, `${publicImage}/edit`, { prompt: 'mine now' })).assets;
    expect(result).toMatchObject({ userId: stranger, parentAssetId: publicImage, isPublic: false });
    expect(await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: publicImage } })).toEqual(before);
    // The owner's public image is still only the owner's to change.
    await t.http.patch(`${BASE}/asset/${publicImage}`).set(bearer(stranger)).send({ title: 'taken' }).expect(403);
  });

  it('refuses an operation the provider cannot do with a 400 naming the providers that can', async () => {
    const owner = newUserId('studio');
    const source = await saveImage(owner, await subject());
    const edit = await post(owner, `${source}/edit`, { prompt: 'x', operation: 'outpaint', provider: 'openai' });
    expect(edit.status).toBe(400);
    expect(edit.body.message).toBe(
      'operation outpaint is not available with provider openai; providers that can: stability, placeholder',
    );
    const upscale = await post(owner, `${source}/upscale`, { mode: 'creative', provider: 'openai' });
    expect(upscale.status).toBe(400);
    expect(upscale.body.message).toMatch(
      /upscale mode creative is not available with provider openai; providers that can: .*placeholder/,
    );
    const text = (await assets.saveAsset(owner, { type: 'text', sourceModule: 'notes', title: 'n', content: 'hi' })).id;
    expect((await post(owner, `${text}/edit`, { prompt: 'x' })).status).toBe(400);
    expect(await jobCount(owner)).toBe(0);
  });
});
