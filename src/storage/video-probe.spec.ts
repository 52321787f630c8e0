import sharp from 'sharp';
import { ValidationError } from '../common/errors';
import { PlaceholderVideoProvider } from '../providers/video/placeholder-video.provider';
import { encodeVp8Clip } from '../providers/video/vp8-clip';
import { readVideoMetadata, videoContainerOf } from './video-probe';

const frame = (width: number, height: number) => (index: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: index * 20, g: 80, b: 120 } } })
    .png()
    .toBuffer();

describe('readVideoMetadata', () => {
  it('reads size, duration and type of WebM and MP4 from their bytes', async () => {
    const clip = { width: 160, height: 96, framesPerSecond: 4, count: 6, frame: frame(160, 96) };
    const webm = await encodeVp8Clip(clip, 'webm');
    const mp4 = await encodeVp8Clip(clip, 'mp4');
    expect(await readVideoMetadata(webm)).toEqual({
      width: 160,
      height: 96,
      duration: 1.5,
      mimeType: 'video/webm',
      format: 'webm',
      fileSize: webm.length,
    });
    expect(await readVideoMetadata(mp4)).toMatchObject({ width: 160, height: 96, duration: 1.5, format: 'mp4' });
    expect([videoContainerOf(webm), videoContainerOf(mp4)]).toEqual(['webm', 'mp4']);
  });

  it('refuses bytes that are no video, or a container without a video track', async () => {
    const png = await frame(8, 8)(0);
    await expect(readVideoMetadata(png)).rejects.toThrow(ValidationError);
    await expect(readVideoMetadata(Buffer.from('not a video at all'))).rejects.toThrow(/not a supported video/);
    const truncated = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(16)]);
    await expect(readVideoMetadata(truncated)).rejects.toThrow(ValidationError);
  });

  it('reads back exactly the clip the placeholder was asked for, the same bytes for the same request', async () => {
    const provider = new PlaceholderVideoProvider();
    const request = { prompt: 'A lighthouse', model: 'placeholder-video', size: '320x180', seconds: 2 };
    const id = await provider.create(request);
    const signal = new AbortController().signal;
    const video = await provider.download(id, request, signal);
    expect(await readVideoMetadata(video.bytes)).toMatchObject({ width: 320, height: 180, duration: 2 });
    expect((await sharp(video.poster).metadata()).width).toBe(320);
    expect((await provider.download(id, request, signal)).bytes.equals(video.bytes)).toBe(true);
  });
});
