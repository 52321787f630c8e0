import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ImageEditRequest, ImageOutputFormat, ImageUpscaleRequest } from './image-provider';

/** How much the placeholder enlarges in each mode (a Lanczos resize: the result is always larger). */
export const PLACEHOLDER_UPSCALE_FACTORS = { fast: 2, conservative: 2, creative: 4 } as const;

/** How much outpaint adds on every side, as a share of the source's width and height. */
const OUTPAINT_MARGIN = 0.25;

/** Pixels this close (per channel) to the corner's colour count as background for remove_background. */
const BACKGROUND_TOLERANCE = 24;

interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** A colour drawn from the prompt (and the copy's index), so the same request gives the same bytes. */
function promptColour(prompt: string, index: number): Rgb {
  const digest = createHash('sha256').update(`${prompt}\u0000${index}`).digest();
  return { r: digest[0], g: digest[1], b: digest[2] };
}

function encode(image: sharp.Sharp, format: ImageOutputFormat): Promise<Buffer> {
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return image.webp({ quality: 90 }).toBuffer();
  return image.png().toBuffer();
}

/**
 * The region a mask marks (its transparent pixels, as with OpenAI's masks) as raw one-channel pixels: 255 where
 * the edit goes, 0 where the source stays.
 */
async function maskRegion(mask: Buffer): Promise<Buffer> {
  return sharp(mask).ensureAlpha().extractChannel(3).negate().raw().toBuffer();
}

/** `colour` laid over the source where `region` is white. */
async function fillRegion(source: Buffer, region: Buffer, colour: Rgb): Promise<sharp.Sharp> {
  const { width, height } = await sharp(source).metadata();
  const fill = await sharp({ create: { width: width, height: height, channels: 3, background: colour } })
    .joinChannel(region, { raw: { width: width, height: height, channels: 1 } })
    .png()
    .toBuffer();
  return sharp(source).composite([{ input: fill }]);
}

/** The whole image tinted towards `colour` (an edit with no mask). */
function tint(source: Buffer, colour: Rgb): sharp.Sharp {
  return sharp(source).tint(colour);
}

/** What outpaint adds on each side of an image of this size: x left and right, y top and bottom. */
function outpaintMargins(width: number, height: number): { x: number; y: number } {
  return { x: Math.max(1, Math.round(width * OUTPAINT_MARGIN)), y: Math.max(1, Math.round(height * OUTPAINT_MARGIN)) };
}

/** The source with a margin on every side in `colour` (outpaint). */
async function extend(source: Buffer, colour: Rgb): Promise<sharp.Sharp> {
  const { width, height } = await sharp(source).metadata();
  const { x, y } = outpaintMargins(width, height);
  return sharp(source).extend({ top: y, bottom: y, left: x, right: x, background: colour });
}

/** Pixels like the top-left corner's colour made transparent: the background removed (PNG or WebP keep alpha). */
async function removeBackground(source: Buffer): Promise<sharp.Sharp> {
  const { data, info } = await sharp(source).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const [r, g, b] = [data[0], data[1], data[2]];
  for (let offset = 0; offset < data.length; offset += 4) {
    const near =
      Math.abs(data[offset] - r) <= BACKGROUND_TOLERANCE &&
      Math.abs(data[offset + 1] - g) <= BACKGROUND_TOLERANCE &&
      Math.abs(data[offset + 2] - b) <= BACKGROUND_TOLERANCE;
    if (near) data[offset + 3] = 0;
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } });
}

/** The average colour of the source, to erase a region with. */
async function meanColour(source: Buffer): Promise<Rgb> {
  const { channels } = await sharp(source).stats();
  return { r: Math.round(channels[0].mean), g: Math.round(channels[1].mean), b: Math.round(channels[2].mean) };
}

/**
 * One copy of a deterministic local edit (the placeholder provider): the mask region recoloured (inpaint,
 * edit with a mask), filled with the image's mean colour (erase), the whole image tinted (edit without a mask,
 * search_and_replace), a margin added (outpaint), or the background made transparent (remove_background).
 */
export async function placeholderEdit(request: ImageEditRequest, index: number): Promise<Buffer> {
  const source = request.source.bytes;
  const colour = promptColour(request.prompt, index);
  const region = request.mask && (await maskRegion(request.mask.bytes));
  const format = request.outputFormat ?? 'png';
  switch (request.operation) {
    case 'remove_background':
      // JPEG has no alpha: a background removed is PNG unless WebP was asked for.
      return encode(await removeBackground(source), format === 'jpeg' ? 'png' : format);
    case 'outpaint':
      return encode(await extend(source, colour), format);
    case 'erase':
      return encode(
        region ? await fillRegion(source, region, await meanColour(source)) : sharp(source).blur(8),
        format,
      );
    default:
      return encode(region ? await fillRegion(source, region, colour) : tint(source, colour), format);
  }
}

/** The pixels of one copy of an edit's result (outpaint adds its margins), read from the source's header. */
export async function editedPixels(request: ImageEditRequest): Promise<number> {
  const { width, height } = await sharp(request.source.bytes).metadata();
  if (request.operation !== 'outpaint') return width * height;
  const { x, y } = outpaintMargins(width, height);
  return (width + 2 * x) * (height + 2 * y);
}

/** The size of an upscale's result: the source's, read from its header, times the mode's factor. */
export async function upscaledSize(request: ImageUpscaleRequest): Promise<{ width: number; height: number }> {
  const { width, height } = await sharp(request.source.bytes).metadata();
  const factor = PLACEHOLDER_UPSCALE_FACTORS[request.mode];
  return { width: width * factor, height: height * factor };
}

/** A Lanczos enlargement to `size` (upscaledSize). */
export function placeholderUpscale(
  request: ImageUpscaleRequest,
  size: { width: number; height: number },
): Promise<Buffer> {
  const image = sharp(request.source.bytes).resize(size.width, size.height, { kernel: 'lanczos3' });
  return encode(image, request.outputFormat ?? 'png');
}
