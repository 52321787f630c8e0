import { fileTypeFromBuffer } from 'file-type';
import { ValidationError } from '../common/errors';
import type { AssetType } from '../generated/prisma/client';
import { ASSET_LIMITS } from './asset-rules';
import { MEDIA_MIME_TYPES } from './save-asset-input';

/** What an uploaded file is, read from its bytes: never from its name or the client's Content-Type. */
export type SniffedUpload =
  { type: Exclude<AssetType, 'text'>; mimeType: string } | { type: 'text'; mimeType: 'text/plain'; content: string };

/** The raster formats the library decodes (image-processing.ts reads their metadata from the bytes again). */
const IMAGE_MIME_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff']);

/** file-type's names for types the library stores under another name. */
const MIME_ALIASES: Readonly<Record<string, string>> = {
  'audio/ogg; codecs=opus': 'audio/ogg',
  'audio/x-flac': 'audio/flac',
  'audio/x-wav': 'audio/wav',
};

const UNKNOWN_BYTES =
  'The file is no image (JPEG, PNG, WebP, GIF, AVIF, TIFF), video (MP4, WebM, QuickTime), audio (MP3, WAV, Ogg, AAC, FLAC) or UTF-8 text';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The asset type and MIME type of uploaded bytes, from their magic numbers (file-type); bytes with none that
 * decode as UTF-8 without NUL characters are text. Anything else is a 400.
 */
export async function sniffUpload(bytes: Buffer): Promise<SniffedUpload> {
  if (bytes.length === 0) throw new ValidationError('The file is empty', [{ field: 'file', problems: ['empty'] }]);
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    const mimeType = MIME_ALIASES[detected.mime] ?? detected.mime;
    if (IMAGE_MIME_TYPES.has(mimeType)) return { type: 'image', mimeType };
    const media = MEDIA_MIME_TYPES[mimeType];
    if (media) return { type: media.type, mimeType };
    throw unknownBytes(`detected ${detected.mime}`);
  }
  return { type: 'text', mimeType: 'text/plain', content: readText(bytes) };
}

function readText(bytes: Buffer): string {
  let content: string;
  try {
    content = utf8.decode(bytes);
  } catch {
    throw unknownBytes('no known signature, and not UTF-8 text');
  }
  if (content.includes('\u0000')) throw unknownBytes('binary data');
  if (content.length > ASSET_LIMITS.contentLength) {
    throw new ValidationError(`A text file may hold at most ${ASSET_LIMITS.contentLength} characters`, [
      { field: 'file', problems: [`at most ${ASSET_LIMITS.contentLength} characters of text`] },
    ]);
  }
  return content;
}

function unknownBytes(reason: string): ValidationError {
  return new ValidationError(`${UNKNOWN_BYTES} (${reason})`, [{ field: 'file', problems: [reason] }]);
}
