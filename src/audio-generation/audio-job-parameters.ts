import type { GenerationJob } from '../generated/prisma/client';
import type { AudioFormat, AudioGenerationRequest } from '../providers/audio/audio-models';
import { RAW_PCM_MIME_TYPE } from '../storage/media-probe';

/** What an audio_generation job keeps in `parameters`: the speech settings and the labels of its asset. */
export interface AudioJobParameters {
  voice: string;
  format: AudioFormat;
  speed?: number;
  instructions?: string;
  title?: string;
  category?: string;
  tags?: string[];
  /** Set when the model is deprecated. */
  warnings?: string[];
}

/** The MIME type each speech format is stored and served as. */
export const AUDIO_FORMAT_MIME_TYPES: Readonly<Record<AudioFormat, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: RAW_PCM_MIME_TYPE,
};

/** The provider request a recorded job stands for (the job's prompt is the text). */
export function toSpeechRequest(
  job: Pick<GenerationJob, 'prompt'>,
  model: string,
  parameters: AudioJobParameters,
): AudioGenerationRequest {
  return {
    text: job.prompt,
    model,
    voice: parameters.voice,
    format: parameters.format,
    speed: parameters.speed,
    instructions: parameters.instructions,
  };
}
