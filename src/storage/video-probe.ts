import { ALL_FORMATS, Input } from 'mediabunny';
import { ValidationError } from '../common/errors';
import { byteSizeOf, type FileSource, readHead } from './file-source';
import { mediaInputSource } from './media-probe';

/** What the library records of a video, read from its bytes (never from a provider's or a client's word). */
export interface VideoMetadata {
  width: number;
  height: number;
  /** Seconds. */
  duration: number;
  mimeType: 'video/mp4' | 'video/webm' | 'video/quicktime';
  /** The container, as the `format` column keeps it. */
  format: 'mp4' | 'webm' | 'mov';
  fileSize: number;
}

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** The container the first bytes announce: EBML (WebM), or an ISO BMFF `ftyp` box (MP4, QuickTime). */
export function videoContainerOf(bytes: Buffer): VideoMetadata['format'] | undefined {
  if (bytes.subarray(0, 4).equals(EBML_MAGIC)) return 'webm';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp')
    return bytes.toString('latin1', 8, 10) === 'qt' ? 'mov' : 'mp4';
  return undefined;
}

const MIME_TYPES = { mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' } as const;

function notAVideo(reason: string): ValidationError {
  return new ValidationError(`The bytes are not a supported video (${reason}); send MP4, WebM or QuickTime`);
}

/** Width, height, duration and type of a video, demuxed from its bytes (mediabunny reads the container only). */
export async function readVideoMetadata(source: FileSource): Promise<VideoMetadata> {
  const format = videoContainerOf(await readHead(source, 12));
  if (!format) throw notAVideo('no MP4, WebM or QuickTime signature');
  const input = new Input({ source: mediaInputSource(source), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw notAVideo('no video track');
    const duration = await input.computeDuration();
    if (!track.displayWidth || !track.displayHeight || !Number.isFinite(duration) || duration <= 0)
      throw notAVideo('no frames');
    return {
      width: track.displayWidth,
      height: track.displayHeight,
      duration: Math.round(duration * 1000) / 1000,
      mimeType: MIME_TYPES[format],
      format,
      fileSize: byteSizeOf(source),
    };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw notAVideo(error instanceof Error ? error.message : 'undecodable');
  } finally {
    input.dispose();
  }
}
