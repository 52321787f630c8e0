import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ImageProviderName } from '../../config/engine-config';
import type { PixelBudget } from '../../storage/pixel-budget';
import { parseSize } from './image-models';
import {
  EDIT_OPERATIONS,
  UPSCALE_MODES,
  type GeneratedImage,
  type ImageEditRequest,
  type ImageGenerationRequest,
  type ImageGenerationResult,
  type ImageProvider,
  type ImageUpscaleRequest,
} from './image-provider';
import { editedPixels, placeholderEdit, placeholderUpscale, upscaledSize } from './placeholder-image-edits';

const DEFAULT_SIDE = 1024;

/**
 * Draws a deterministic local image from the prompt (same prompt, seed and size → same bytes). Needs no key
 * and costs nothing, so the pipeline runs out of the box and in tests; its assets carry provider
 * `placeholder` and `metadata.placeholder: true` so nobody mistakes them for real generations. Every render,
 * edit and upscale waits for its pixels to fit in the process's pixel budget (IMAGE_PROCESSING_PIXEL_BUDGET).
 */
export class PlaceholderImageProvider implements ImageProvider {
  readonly name: ImageProviderName = 'placeholder';
  readonly defaultModel = 'placeholder';
  readonly editOperations = EDIT_OPERATIONS;
  readonly upscaleModes = UPSCALE_MODES;
  readonly editReferences = true;

  constructor(private readonly budget: PixelBudget) {}

  isConfigured(): boolean {
    return true;
  }

  async generate(request: ImageGenerationRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const { width, height } = (request.size && parseSize(request.size)) || {
      width: DEFAULT_SIDE,
      height: DEFAULT_SIDE,
    };
    const images: GeneratedImage[] = [];
    for (let index = 0; index < request.n; index++) {
      signal.throwIfAborted();
      const digest = createHash('sha256')
        .update(`${request.prompt}\u0000${request.seed ?? 0}\u0000${index}`)
        .digest();
      const bytes = await this.budget.run(
        width * height,
        () => render(digest, width, height, request.outputFormat ?? 'png'),
        signal,
      );
      images.push({ bytes, seed: request.seed });
    }
    return { images };
  }

  /** Every operation, done locally with sharp (placeholder-image-edits.ts); references are accepted and unused. */
  async edit(request: ImageEditRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const pixels = await editedPixels(request);
    const images: GeneratedImage[] = [];
    for (let index = 0; index < request.n; index++) {
      images.push({ bytes: await this.budget.run(pixels, () => placeholderEdit(request, index), signal) });
    }
    return { images };
  }

  async upscale(request: ImageUpscaleRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const size = await upscaledSize(request);
    const bytes = await this.budget.run(size.width * size.height, () => placeholderUpscale(request, size), signal);
    return { images: [{ bytes }] };
  }
}

function colour(digest: Buffer, offset: number): string {
  return `rgb(${digest[offset]},${digest[offset + 1]},${digest[offset + 2]})`;
}

/** A gradient and a few discs placed by the prompt's hash; no text, so the bytes do not depend on fonts. */
async function render(digest: Buffer, width: number, height: number, format: 'png' | 'jpeg' | 'webp'): Promise<Buffer> {
  const discs = [0, 1, 2, 3]
    .map((i) => {
      const cx = Math.round((digest[9 + i] / 255) * width);
      const cy = Math.round((digest[13 + i] / 255) * height);
      const r = Math.round(((digest[17 + i] / 255) * 0.25 + 0.05) * Math.min(width, height));
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour(digest, 21 + i * 2)}" fill-opacity="0.7"/>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${colour(digest, 0)}"/><stop offset="1" stop-color="${colour(digest, 3)}"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${discs}</svg>`;
  const image = sharp(Buffer.from(svg));
  if (format === 'jpeg') return image.jpeg({ quality: 85 }).toBuffer();
  if (format === 'webp') return image.webp({ quality: 85 }).toBuffer();
  return image.png().toBuffer();
}
