import sharp from 'sharp';
import { configureImageProcessing, makeThumbnail, readImageMetadata, THUMBNAIL_WIDTH } from './image-processing';

const image = (width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif' | 'avif') =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .toFormat(format)
    .toBuffer();

describe('image processing', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
    ['avif', 'image/avif'],
  ] as const)('reads %s metadata from the bytes', async (format, mimeType) => {
    const bytes = await image(64, 48, format);
    expect(await readImageMetadata(bytes)).toEqual({ width: 64, height: 48, format, mimeType, fileSize: bytes.length });
  });

  it('refuses bytes that are not an image, and SVG (script on our origin)', async () => {
    await expect(readImageMetadata(Buffer.from('definitely not an image'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    await expect(readImageMetadata(svg)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('makes a 320px-wide WebP thumbnail keeping the aspect ratio', async () => {
    const thumbnail = await makeThumbnail(await image(1280, 640, 'png'));
    expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: THUMBNAIL_WIDTH, height: 160 });
  });

  it('never enlarges a small image', async () => {
    const thumbnail = await makeThumbnail(await image(100, 50, 'jpeg'));
    expect(await sharp(thumbnail).metadata()).toMatchObject({ format: 'webp', width: 100, height: 50 });
  });
});

describe('configureImageProcessing', () => {
  afterEach(() => configureImageProcessing(1));

  it("sets libvips' threads per operation and turns sharp's operation cache off", () => {
    configureImageProcessing(3);
    expect(sharp.concurrency()).toBe(3);
    const cache = sharp.cache();
    expect(cache.memory.max).toBe(0);
    expect(cache.items.max).toBe(0);
  });
});
