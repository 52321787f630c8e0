import type { SaveAssetInput } from '../assets/save-asset-input';
import { truncate } from '../common/text';
import type { GenerationJob } from '../generated/prisma/client';
import { AUDIO_FORMAT_MIME_TYPES, type AudioJobParameters } from './audio-job-parameters';

export const AUDIO_SOURCE_MODULE = 'audio_generation';

const TITLE_LENGTH = 120;

/** The speech a job produced, as the asset the library keeps (its duration is read from the bytes on saving). */
export function audioAssetInput(
  job: GenerationJob,
  parameters: AudioJobParameters,
  bytes: Buffer,
  cost: number | null,
): SaveAssetInput {
  const { title, category, tags, ...speechParameters } = parameters;
  return {
    type: 'audio',
    sourceModule: AUDIO_SOURCE_MODULE,
    title: title ?? truncate(job.prompt, TITLE_LENGTH),
    bytes,
    mimeType: AUDIO_FORMAT_MIME_TYPES[parameters.format],
    prompt: job.prompt,
    category,
    tags,
    provider: job.provider ?? undefined,
    model: job.model ?? undefined,
    cost: cost ?? undefined,
    generationTimeMs: job.startedAt ? Date.now() - job.startedAt.getTime() : undefined,
    parameters: { ...speechParameters },
    generationId: job.id,
    // The placeholder renders tones locally: say so, so nobody takes its output for real speech.
    metadata: job.provider === 'placeholder' ? { placeholder: true } : {},
  };
}
