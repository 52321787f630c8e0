import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { PlaceholderVideoProvider } from '../src/providers/video/placeholder-video.provider';
import { FILE_STORE, type FileStore } from '../src/storage/file-store';
import { FLAC_FRAME, silentFlac, silentWav } from './support/audio-bytes';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, sha256 } from './support/factories';
import { storedFiles, waitFor } from './support/image-jobs';

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

const BOUNDARY = 'creative-engine-test-boundary';

/** The multipart head of a form whose only part is `file`, as a client streams it. */
const fileFieldHead = (fileName: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );

/**
 * A POST /assets/upload sent by hand over a socket of its own, so that a test decides when each byte goes (or
 * whether the rest ever does); `response` settles with the first answer.
 */
function openUpload(server: http.Server, userId: string, headers: http.OutgoingHttpHeaders = {}) {
  const { port } = server.address() as AddressInfo;
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `${BASE}/assets/upload`,
    headers: { ...bearer(userId), 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  });
  const response = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    request.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    request.once('error', reject);
  });
  response.catch(() => undefined);
  return { request, response };
}

describe('POST /assets/upload: type from the bytes, metadata and thumbnail, limits that store nothing', () => {
  let t: TestApp;
  const runDir = path.join(os.tmpdir(), `ce-test-${process.env.CE_TEST_RUN_ID}`);
  const storageDir = path.join(runDir, 'upload-storage');
  const spoolDir = path.join(runDir, 'upload-spool');

  /** What a process killed mid-upload two hours ago left in the spool: swept when the app starts. */
  const abandonedSpoolFile = path.join(spoolDir, 'left-by-a-killed-process');

  beforeAll(async () => {
    await mkdir(spoolDir, { recursive: true });
    await writeFile(abandonedSpoolFile, 'half an upload');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(abandonedSpoolFile, twoHoursAgo, twoHoursAgo);
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-uploads`,
      STORAGE_DIR: storageDir,
      STORAGE_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
      STORAGE_MAX_IMAGE_PIXELS: String(MAX_IMAGE_PIXELS),
      STORAGE_UPLOAD_SPOOL_DIR: spoolDir,
      RATE_LIMIT_PER_MINUTE: '0',
    });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  it('removes at start-up the spooled files a killed process left behind', async () => {
    await expect(stat(abandonedSpoolFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  const upload = (userId: string, bytes: Buffer, fileName: string, contentType = 'application/octet-stream') =>
    t.http.post(`${BASE}/assets/upload`).set(bearer(userId)).attach('file', bytes, { filename: fileName, contentType });

  /** Nothing of the user's in stored_objects, no intent left, no file added on disk and none left in the spool. */
  async function expectNothingStored(userId: string, filesBefore: string[]): Promise<void> {
    expect(await t.prisma.storedObject.count({ where: { userId } })).toBe(0);
    expect(await t.prisma.storageIntent.count()).toBe(0);
    expect(await t.prisma.creativeAsset.count({ where: { userId } })).toBe(0);
    expect(await storedFiles(storageDir)).toEqual(filesBefore);
    expect(await storedFiles(spoolDir)).toEqual([]);
  }

  /** The HTTP server listening on a port of its own, for requests written by hand. */
  async function listeningServer(): Promise<http.Server> {
    const server: http.Server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
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

  it('reads audio and video metadata from the spooled file', async () => {
    const owner = newUserId('uploader');
    const wav = await upload(owner, silentWav(1.5), 'speech.wav').expect(201);
    expect(wav.body).toMatchObject({ type: 'audio', mimeType: 'audio/wav', format: 'wav', duration: 1.5 });
    const flac = await upload(owner, await silentFlac(12), 'speech.flac').expect(201);
    expect(flac.body).toMatchObject({ type: 'audio', format: 'flac' });
    expect(flac.body.duration).toBeCloseTo((12 * FLAC_FRAME.samples) / FLAC_FRAME.sampleRate, 3);
    const request = { prompt: 'A lighthouse', model: 'placeholder-video', size: '320x180', seconds: 2 };
    const provider = new PlaceholderVideoProvider();
    const clip = await provider.download(await provider.create(request), request, new AbortController().signal);
    const video = await upload(owner, clip.bytes, 'clip.bin').expect(201);
    expect(video.body).toMatchObject({
      type: 'video',
      width: 320,
      height: 180,
      duration: 2,
      fileSize: clip.bytes.length,
    });
    expect(await storedFiles(spoolDir)).toEqual([]);
  });

  it('streams the file from its spooled copy to the store, and removes the copy', async () => {
    const owner = newUserId('uploader');
    const store = t.app.get<FileStore>(FILE_STORE);
    const write = jest.spyOn(store, 'write');
    const bytes = await imageOf('png', 300, 300);
    const res = await upload(owner, bytes, 'streamed.png').expect(201);
    const [mainFile] = await t.prisma.creativeAsset.findMany({
      where: { id: res.body.id },
      select: { storageKey: true },
    });
    const bodyOfMainFile = write.mock.calls.find(([key]) => key === mainFile.storageKey)?.[1];
    expect(bodyOfMainFile).toBeInstanceOf(Readable);
    expect(Buffer.isBuffer(bodyOfMainFile)).toBe(false);
    expect(await storedFiles(spoolDir)).toEqual([]);
  });

  it('refuses at once, before the body arrives, an upload whose Content-Length is over the limit', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    const { request, response } = openUpload(await listeningServer(), owner, {
      'Content-Length': String(MAX_FILE_BYTES + 4 * 1024 * 1024),
    });
    request.write(fileFieldHead('huge.png'));
    request.write(await imageOf('png'));
    // The rest of the announced body is never sent: the answer must not wait for it.
    const { status, body } = await response;
    request.destroy();
    expect(status).toBe(413);
    expect(body).toMatchObject({
      error: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/STORAGE_MAX_FILE_BYTES/),
    });
    await expectNothingStored(owner, before);
  });

  it('counts the bytes of a chunked upload and refuses it with a 413 past the limit, leaving nothing behind', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    const { request, response } = openUpload(await listeningServer(), owner);
    request.write(fileFieldHead('endless.png'));
    request.write(await imageOf('png'));
    for (let sent = 0; sent <= MAX_FILE_BYTES; sent += 64 * 1024) request.write(Buffer.alloc(64 * 1024, 7));
    request.end(`\r\n--${BOUNDARY}--\r\n`);
    const { status, body } = await response;
    expect(status).toBe(413);
    expect(body.message).toBe(
      `File is more than ${MAX_FILE_BYTES} bytes; the limit is ${MAX_FILE_BYTES} (STORAGE_MAX_FILE_BYTES)`,
    );
    await expectNothingStored(owner, before);
  });

  it('writes an upload to disk as it arrives, and removes it when the client goes away half way', async () => {
    const owner = newUserId('uploader');
    const before = await storedFiles(storageDir);
    const { request } = openUpload(await listeningServer(), owner);
    request.write(fileFieldHead('interrupted.png'));
    request.write(await imageOf('png'));
    request.write(Buffer.alloc(128 * 1024, 7));
    // The first bytes are in a spooled file while the request is still open: nothing waits for the whole body.
    await waitFor(
      async () => (await storedFiles(spoolDir)).length === 1 || undefined,
      'the spooled file of the open upload',
    );
    request.destroy();
    await waitFor(async () => (await storedFiles(spoolDir)).length === 0 || undefined, 'the spooled file removed');
    await expectNothingStored(owner, before);
  });
});
