import type { SaveAssetInput } from '../assets/save-asset-input';
import type { GenerationJob } from '../generated/prisma/client';
import type { GeneratedImage } from '../providers/image/image-provider';
import type { ImageJobParameters } from './image-job-parameters';
import { truncate } from '../common/text';

export const IMAGE_SOURCE_MODULE = 'image_generation';

const TITLE_LENGTH = 120;

/** Image `index` of the `count` a job produced, as the asset the library keeps: its share of the cost, its lineage. */
export function imageAssetInput(
  job: GenerationJob,
  parameters: ImageJobParameters,
  image: GeneratedImage,
  position: { index: number; count: number },
  cost: number | null,
): SaveAssetInput {
  const { index, count } = position;
  const baseTitle = parameters.title ?? truncate(job.prompt, TITLE_LENGTH);
  const { title: _title, category, tags, variables: _variables, ...providerParameters } = parameters;
  return {
    type: 'image',
    sourceModule: IMAGE_SOURCE_MODULE,
    title: count > 1 ? `${baseTitle} (${index + 1}/${count})` : baseTitle,
    bytes: image.bytes,
    prompt: job.prompt,
    negativePrompt: job.negativePrompt ?? undefined,
    category,
    tags,
    provider: job.provider ?? undefined,
    model: job.model ?? undefined,
    cost: cost === null ? undefined : Math.round((cost / count) * 1_000_000) / 1_000_000,
    generationTimeMs: job.startedAt ? Date.now() - job.startedAt.getTime() : undefined,
    parameters: providerParameters,
    seed: image.seed ?? parameters.seed,
    steps: parameters.steps,
    guidance: parameters.guidance,
    generationId: job.id,
    parentAssetId: job.parentAssetId ?? undefined,
    metadata: {
      ...(image.revisedPrompt && { revisedPrompt: image.revisedPrompt }),
      // The placeholder provider draws locally: say so, so nobody takes its output for a real generation.
      ...(job.provider === 'placeholder' && { placeholder: true }),
    },
  };
}
