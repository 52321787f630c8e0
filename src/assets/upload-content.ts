import { fileTypeFromFile } from 'file-type';
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../common/errors';
import type { FileOnDisk } from '../storage/file-source';
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

/** A UTF-8 character is at most 4 bytes: a longer file cannot be within the text limit, and is never read. */
const MAX_TEXT_BYTES = ASSET_LIMITS.contentLength * 4;

/**
 * The asset type and MIME type of an uploaded file, from its magic numbers (file-type reads the few bytes it
 * needs from the file); a file with none that decodes as UTF-8 without NUL characters is text (read whole: it is
 * bounded by the text limit). Anything else is a 400.
 */
export async function sniffUpload(file: FileOnDisk): Promise<SniffedUpload> {
  if (file.size === 0) throw new ValidationError('The file is empty', [{ field: 'file', problems: ['empty'] }]);
  const detected = await fileTypeFromFile(file.path);
  if (detected) {
    const mimeType = MIME_ALIASES[detected.mime] ?? detected.mime;
    if (IMAGE_MIME_TYPES.has(mimeType)) return { type: 'image', mimeType };
    const media = MEDIA_MIME_TYPES[mimeType];
    if (media) return { type: media.type, mimeType };
    throw unknownBytes(`detected ${detected.mime}`);
  }
  return { type: 'text', mimeType: 'text/plain', content: await readText(file) };
}

async function readText(file: FileOnDisk): Promise<string> {
  if (file.size > MAX_TEXT_BYTES) throw textTooLong();
  let content: string;
  try {
    content = utf8.decode(await readFile(file.path));
  } catch {
    throw unknownBytes('no known signature, and not UTF-8 text');
  }
  if (content.includes('\u0000')) throw unknownBytes('binary data');
  if (content.length > ASSET_LIMITS.contentLength) throw textTooLong();
  return content;
}

function textTooLong(): ValidationError {
  return new ValidationError(`A text file may hold at most ${ASSET_LIMITS.contentLength} characters`, [
    { field: 'file', problems: [`at most ${ASSET_LIMITS.contentLength} characters of text`] },
  ]);
}

function unknownBytes(reason: string): ValidationError {
  return new ValidationError(`${UNKNOWN_BYTES} (${reason})`, [{ field: 'file', problems: [reason] }]);
}
