import {
  ADTS,
  BufferSource,
  FilePathSource,
  FLAC,
  Input,
  type InputFormat,
  MP3,
  OGG,
  type Source,
  WAVE,
  WEBM,
} from 'mediabunny';
import { ValidationError } from '../common/errors';
import { byteSizeOf, type FileSource, readHead } from './file-source';

/** What the library records of an audio file, read from its bytes (never from a provider's or client's word). */
export interface AudioMetadata {
  mimeType: string;
  /** The container: mp3, wav, ogg, webm, aac, flac or pcm. */
  format: string;
  /** Seconds. */
  duration: number;
  fileSize: number;
}

/**
 * Raw PCM has no container and no registered MIME type of its own: audio/L16 is big-endian by definition,
 * while OpenAI's `pcm` (the only raw audio the engine stores) is 24 kHz, 16-bit, mono, little-endian.
 */
export const RAW_PCM_MIME_TYPE = 'application/octet-stream';
const RAW_PCM = { sampleRate: 24_000, bytesPerSample: 2, channels: 1 } as const;

/** The container each audio MIME type stands for, as mediabunny reads it. */
const AUDIO_CONTAINERS: Record<string, { format: string; container: InputFormat }> = {
  'audio/mpeg': { format: 'mp3', container: MP3 },
  'audio/wav': { format: 'wav', container: WAVE },
  'audio/ogg': { format: 'ogg', container: OGG },
  'audio/webm': { format: 'webm', container: WEBM },
  'audio/aac': { format: 'aac', container: ADTS },
  'audio/flac': { format: 'flac', container: FLAC },
};

function notThatAudio(mimeType: string, reason: string): ValidationError {
  return new ValidationError(`The bytes are not ${mimeType} audio (${reason})`, [
    { field: 'bytes', problems: [`not ${mimeType} audio: ${reason}`] },
  ]);
}

/** What mediabunny reads a container from: the bytes, or the file (read in pieces, as the demuxer asks). */
export const mediaInputSource = (source: FileSource): Source =>
  Buffer.isBuffer(source) ? new BufferSource(source) : new FilePathSource(source.path);

/**
 * The duration and container of audio declared as `mimeType`, read from the bytes: a container other than
 * the declared one (its magic numbers), or one without a readable audio track, is a ValidationError.
 */
export async function readAudioMetadata(source: FileSource, mimeType: string): Promise<AudioMetadata> {
  if (mimeType === RAW_PCM_MIME_TYPE) return rawPcmMetadata(byteSizeOf(source));
  const known = AUDIO_CONTAINERS[mimeType];
  if (!known) throw notThatAudio(mimeType, 'not an audio type the library reads');
  const input = new Input({ source: mediaInputSource(source), formats: [known.container] });
  let duration: number;
  try {
    if (!(await input.getPrimaryAudioTrack())) throw notThatAudio(mimeType, 'no audio track');
    duration = await input.computeDuration();
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw notThatAudio(mimeType, error instanceof Error ? error.message : 'unreadable');
  } finally {
    input.dispose();
  }
  if (known.container === FLAC) duration = flacStreamDuration(await readHead(source, FLAC_HEAD_BYTES)) ?? duration;
  if (!Number.isFinite(duration) || duration <= 0) throw notThatAudio(mimeType, 'no samples');
  return { mimeType, format: known.format, duration, fileSize: byteSizeOf(source) };
}

/** "fLaC", STREAMINFO's block header, and its fields up to the total sample count. */
const FLAC_HEAD_BYTES = 26;

/**
 * A FLAC stream's length from its STREAMINFO block (total samples / sample rate), which the format makes
 * authoritative; mediabunny's count of frames can miss the last one. Undefined when the encoder left it 0.
 */
function flacStreamDuration(bytes: Buffer): number | undefined {
  // "fLaC", then STREAMINFO's block header (4 bytes); its fields from offset 10: 20-bit rate, 3+5 bits, 36-bit total.
  const fields = bytes.readBigUInt64BE(8 + 10);
  const sampleRate = Number(fields >> 44n);
  const totalSamples = Number(fields & 0xfffffffffn);
  return sampleRate > 0 && totalSamples > 0 ? totalSamples / sampleRate : undefined;
}

function rawPcmMetadata(byteSize: number): AudioMetadata {
  const frameBytes = RAW_PCM.bytesPerSample * RAW_PCM.channels;
  if (byteSize === 0 || byteSize % frameBytes !== 0)
    throw notThatAudio('16-bit PCM', `${byteSize} bytes is not a whole number of samples`);
  return {
    mimeType: RAW_PCM_MIME_TYPE,
    format: 'pcm',
    duration: byteSize / (frameBytes * RAW_PCM.sampleRate),
    fileSize: byteSize,
  };
}
