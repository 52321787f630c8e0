import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { VideoProviderName } from '../provider-names';
import { parseSize } from '../image/image-models';
import type { VideoGenerationRequest } from './video-models';
import type { GeneratedVideo, VideoProgress, VideoProvider } from './video-provider';
import { encodeVp8Clip } from './vp8-clip';

export const PLACEHOLDER_FRAMES_PER_SECOND = 8;

/**
 * A real short WebM made locally and deterministically from the prompt (same prompt, size and length → same
 * bytes): a gradient with a disc crossing it, over the reference image when one is given. Needs no key and
 * costs nothing; nothing runs remotely, so it is complete as soon as it is created, and its id is all a
 * restarted worker needs. Its assets carry `metadata.placeholder: true`.
 */
export class PlaceholderVideoProvider implements VideoProvider {
  readonly name: VideoProviderName = 'placeholder';
  readonly defaultModel = 'placeholder-video';
  readonly repeatableCreate = true;

  isConfigured(): boolean {
    return true;
  }

  create(request: VideoGenerationRequest): Promise<string> {
    const digest = createHash('sha256').update(`${request.prompt}\u0000${request.size}\u0000${request.seconds}`);
    return Promise.resolve(`placeholder-video-${digest.digest('hex').slice(0, 24)}`);
  }

  poll(): Promise<VideoProgress> {
    return Promise.resolve({ status: 'completed', progress: 100 });
  }

  async download(_videoId: string, request: VideoGenerationRequest, signal: AbortSignal): Promise<GeneratedVideo> {
    const { width, height } = parseSize(request.size) as { width: number; height: number };
    const digest = createHash('sha256').update(request.prompt).digest();
    const background = request.referenceImage
      ? await sharp(request.referenceImage.bytes).resize(width, height, { fit: 'cover' }).png().toBuffer()
      : undefined;
    const count = request.seconds * PLACEHOLDER_FRAMES_PER_SECOND;
    const frame = (index: number) => {
      signal.throwIfAborted();
      return renderFrame(digest, { width, height }, index / count, background);
    };
    const bytes = await encodeVp8Clip(
      { width, height, framesPerSecond: PLACEHOLDER_FRAMES_PER_SECOND, count, frame },
      'webm',
    );
    return { bytes, poster: await frame(0) };
  }

  discard(): Promise<void> {
    return Promise.resolve();
  }
}

function colour(digest: Buffer, offset: number): string {
  return `rgb(${digest[offset]},${digest[offset + 1]},${digest[offset + 2]})`;
}

/** One frame at `position` (0 … 1) of the clip, as PNG; no text, so the bytes do not depend on fonts. */
async function renderFrame(
  digest: Buffer,
  size: { width: number; height: number },
  position: number,
  background: Buffer | undefined,
): Promise<Buffer> {
  const { width, height } = size;
  const radius = Math.round(Math.min(width, height) * 0.15);
  const cx = Math.round(radius + position * (width - 2 * radius));
  const cy = Math.round(height / 2 + Math.sin(position * 2 * Math.PI) * (height / 4));
  const fill = background
    ? ''
    : `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour(digest, 0)}"/>` +
      `<stop offset="1" stop-color="${colour(digest, 3)}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>`;
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${fill}` +
      `<circle cx="${cx}" cy="${cy}" r="${radius}" fill="${colour(digest, 6)}" fill-opacity="0.8"/>` +
      `<rect x="0" y="${height - 6}" width="${Math.round(position * width)}" height="6" fill="white"/></svg>`,
  );
  if (!background) return sharp(svg).png().toBuffer();
  return sharp(background)
    .composite([{ input: svg }])
    .png()
    .toBuffer();
}
