import sharp from 'sharp';
import { ValidationError } from '../common/errors';
import { byteSizeOf, type FileSource, pathOrBytes } from './file-source';

export interface ImageMetadata {
  width: number;
  height: number;
  /** sharp's name of the decoded format: jpeg, png, webp, gif, avif, tiff. */
  format: string;
  mimeType: string;
  fileSize: number;
}

export const THUMBNAIL_WIDTH = 320;
export const THUMBNAIL_EXTENSION = 'webp';
export const THUMBNAIL_MIME_TYPE = 'image/webp';

/**
 * Raster formats the library accepts. SVG is refused on purpose: served from our origin it can run script.
 * HEIF covers AVIF, which sharp reports as `heif` with an `av1` compression.
 */
const IMAGE_FORMATS: Record<string, { mimeType: string; extension: string }> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
  png: { mimeType: 'image/png', extension: 'png' },
  webp: { mimeType: 'image/webp', extension: 'webp' },
  gif: { mimeType: 'image/gif', extension: 'gif' },
  avif: { mimeType: 'image/avif', extension: 'avif' },
  tiff: { mimeType: 'image/tiff', extension: 'tiff' },
};

/**
 * Decoding bombs: images beyond this many pixels are refused before sharp allocates for them
 * (STORAGE_MAX_IMAGE_PIXELS overrides it).
 */
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;

/** sharp's words when an image is over limitInputPixels. */
const PIXEL_LIMIT_MESSAGE = /exceeds pixel limit/i;

function notAnImage(reason: string): ValidationError {
  if (PIXEL_LIMIT_MESSAGE.test(reason)) return new ValidationError(reason);
  return new ValidationError(
    `The bytes are not a supported image (${reason}); send JPEG, PNG, WebP, GIF, AVIF or TIFF`,
  );
}

/**
 * Width, height, format, MIME type and size read from the bytes themselves (sharp reads only the header), never
 * from a client's claim.
 */
export async function readImageMetadata(
  source: FileSource,
  maxPixels = DEFAULT_MAX_INPUT_PIXELS,
): Promise<ImageMetadata> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(pathOrBytes(source), { limitInputPixels: maxPixels }).metadata();
  } catch (error) {
    throw notAnImage(describeSharpError(error, maxPixels));
  }
  const format = metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
  const known = format ? IMAGE_FORMATS[format] : undefined;
  if (!known || !metadata.width || !metadata.height) throw notAnImage(`format ${format ?? 'unknown'}`);
  return {
    width: metadata.width,
    height: metadata.height,
    format,
    mimeType: known.mimeType,
    fileSize: byteSizeOf(source),
  };
}

/** The pixel size of an image and whether it has an alpha channel (a mask must). */
export async function readImageShape(
  bytes: Buffer,
  maxPixels = DEFAULT_MAX_INPUT_PIXELS,
): Promise<{ width: number; height: number; hasAlpha: boolean }> {
  const { width, height } = await readImageMetadata(bytes, maxPixels);
  const { hasAlpha } = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
  return { width, height, hasAlpha: hasAlpha === true };
}

/** The file extension the engine stores a decoded image format under. */
export function imageExtension(format: string): string {
  const known = IMAGE_FORMATS[format];
  if (!known) throw notAnImage(`format ${format}`);
  return known.extension;
}

/** A 320px-wide WebP (never enlarged), oriented by EXIF; the first frame of an animation. */
export async function makeThumbnail(source: FileSource, maxPixels = DEFAULT_MAX_INPUT_PIXELS): Promise<Buffer> {
  try {
    return await sharp(pathOrBytes(source), { limitInputPixels: maxPixels })
      .rotate()
      .resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw notAnImage(describeSharpError(error, maxPixels));
  }
}

/**
 * sharp's process-wide settings, from the configuration: `threads` libvips threads per operation, and no
 * operation cache (it keeps decoded inputs for repeated operations on one file, which the engine never does).
 */
export function configureImageProcessing(threads: number): void {
  sharp.cache(false);
  sharp.concurrency(threads);
}

/** sharp's reason, with the limit named when the image is over it. */
function describeSharpError(error: unknown, maxPixels: number): string {
  const message = error instanceof Error ? error.message : 'undecodable';
  return PIXEL_LIMIT_MESSAGE.test(message)
    ? `The image exceeds pixel limit: more than ${maxPixels} pixels (STORAGE_MAX_IMAGE_PIXELS)`
    : message;
}
