import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, sha256 } from './support/factories';
import { storedFiles } from './support/image-jobs';

const MAX_FILE_BYTES = 400_000;
const MAX_IMAGE_PIXELS = 4_000_000;

/** A small image of the given format, drawn by sharp. */
const imageOf = (format: 'png' | 'jpeg' | 'webp', width = 320, height = 200) =>
  sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .toFormat(format)
    .toBuffer();

/**
 * A PNG whose header claims 100000 × 100000 pixels, followed by a few bytes of data: decoding it would ask
 * for 30 GB. A decompression bomb in its purest form.
 */
function headerOnlyBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00])),
  ]);
}

describe('POST /assets/upload: type from the bytes, metadata and thumbnail, limits that store nothing', () => {
  let t: TestApp;
  const storageDir = path.join(os.tmpdir(), `ce-test-${process.env.CE_TEST_RUN_ID}`, 'upload-storage');

  beforeAll(async () => {
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-uploads`,
      STORAGE_DIR: storageDir,
      STORAGE_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
      STORAGE_MAX_IMAGE_PIXELS: String(MAX_IMAGE_PIXELS),
      RATE_LIMIT_PER_MINUTE: '0',
    });
  });
  afterAll(() => t.close());

  const upload = (userId: string, bytes: Buffer, fileName: string, contentType = 'application/octet-stream') =>
    t.http.post(`${BASE}/assets/upload`).set(bearer(userId)).attach('file', bytes, { filename: fileName, contentType });

  /** Nothing of the user's in stored_objects, no intent left and no file added on disk. */
  async function expectNothingStored(userId: string, filesBefore: string[]): Promise<void> {
    expect(await t.prisma.storedObject.count({ where: { userId } })).toBe(0);
    expect(await t.prisma.storageIntent.count()).toBe(0);
    expect(await t.prisma.creativeAsset.count({ where: { userId } })).toBe(0);
    expect(await storedFiles(storageDir)).toEqual(filesBefore);
  }

  it.each([
    ['png', 'image/png', 'png'],
    ['jpeg', 'image/jpeg', 'jpeg'],
    ['webp', 'image/webp', 'webp'],
  ] as const)(
    'stores a %s as an image asset with metadata, checksum and a thumbnail',
    async (format, mime, sharpName) => {
      const owner = newUserId('uploader');
      const bytes = await imageOf(format, 320, 200);
      const res = await t.http
        .post(`${BASE}/assets/upload`)
        .set(bearer(owner))
        .field('tags', 'Holiday, beach')
        .field('category', 'photos')
        .attach('file', bytes, { filename: `summer.${format}`, contentType: 'application/octet-stream' })
        .expect(201);
      expect(res.body).toMatchObject({
        type: 'image',
        sourceModule: 'upload',
        title: `summer.${format}`,
        mimeType: mime,
        format: sharpName,
        width: 320,
        height: 200,
        fileSize: bytes.length,
        checksum: sha256(bytes),
        tags: ['holiday', 'beach'],
        category: 'photos',
        isPublic: false,
        status: 'ready',
        parentAssetId: null,
      });
      expect(res.body.thumbnailUrl).toBe(`${BASE}/asset/${res.body.id}/thumbnail`);
      const file = await t.http.get(`${BASE}/asset/${res.body.id}/file`).set(bearer(owner)).expect(200);
      expect(file.headers['content-type']).toBe(mime);
      expect(sha256(file.body as Buffer)).toBe(sha256(bytes));
      const thumbnail = await t.http.get(`${BASE}/asset/${res.body.id}/thumbnail`).set(bearer(owner)).expect(200);
      expect(await sharp(thumbnail.body as Buffer).metadata()).toMatchObject({ format: 'webp', width: 320 });
    },
  );

  it("takes the type from the bytes, not from the file's name or Content-Type", async () => {
    const owner = newUserId('uploader');
    const res = await upload(owner, await imageOf('jpeg'), 'really-a-jpeg.png', 'image/png').expect(201);
    expect(res.body).toMatchObject({ type: 'image', mimeType: 'image/jpeg', format: 'jpeg' });
  });

  it('keeps the title, isPublic and a UTF-8 text file as a text asset', async () => {
    const owner = newUserId('uploader');
    const res = await t.http
      .post(`${BASE}/assets/upload`)
      .set(bearer(owner))
      .field('title', 'Meeting notes')
      .field('isPublic', 'true')
      .attach('file', Buffer.from('Ideas: é, ü, 火\n'), { filename: 'notes.png', contentType: 'image/png' })
      .expect(201);
    expect(res.body).toMatchObject({
      type: 'text',
      mimeType: 'text/plain',
      title: 'Meeting notes',
      isPublic: true,
      content: 'Ideas: é, ü, 火\n',
    });
  });

  it('refuses a renamed non-image (a PDF called .png, binary noise) with a 400 and stores nothing', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    const noise = Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x00, 0xc3, 0x28, 0xa0, 0xa1]);
    for (const bytes of [pdf, noise]) {
      const res = await upload(owner, bytes, 'photo.png', 'image/png').expect(400);
      expect(res.body).toMatchObject({ success: false, statusCode: 400, error: 'VALIDATION_FAILED' });
      expect(res.body.message).toMatch(/no image/);
    }
    await expectNothingStored(owner, before);
  });

  it('refuses a file over STORAGE_MAX_FILE_BYTES with a 413 and stores nothing', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    const big = Buffer.concat([await imageOf('png'), Buffer.alloc(MAX_FILE_BYTES)]);
    const res = await upload(owner, big, 'big.png').expect(413);
    expect(res.body).toMatchObject({ success: false, statusCode: 413, error: 'PAYLOAD_TOO_LARGE' });
    await expectNothingStored(owner, before);
  });

  it('refuses decompression bombs by their pixel count (STORAGE_MAX_IMAGE_PIXELS) and stores nothing', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    // 16 megapixels of one colour: a few kilobytes on the wire, 48 MB once decoded.
    const wide = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(wide.length).toBeLessThan(MAX_FILE_BYTES);
    for (const bytes of [wide, headerOnlyBomb()]) {
      const res = await upload(owner, bytes, 'bomb.png').expect(400);
      expect(res.body.message).toMatch(/pixel limit.*STORAGE_MAX_IMAGE_PIXELS/);
    }
    await expectNothingStored(owner, before);
    // Within the limit the same kind of image is accepted.
    const fits = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await upload(owner, fits, 'fits.png').expect(201);
  });

  it('answers 400 without a file, and 401 without a user before reading the body', async () => {
    const owner = newUserId('uploader');
    const res = await t.http.post(`${BASE}/assets/upload`).set(bearer(owner)).field('title', 'nothing').expect(400);
    expect(res.body.details).toEqual([{ field: 'file', problems: ['file is required'] }]);
    await t.http
      .post(`${BASE}/assets/upload`)
      .attach('file', await imageOf('png'), 'x.png')
      .expect(401);
  });
});
