import type { SaveAssetInput } from '../assets/save-asset-input';
import type { GenerationJob } from '../generated/prisma/client';
import { assetFieldsOfJob, placeholderMetadata } from '../generation-jobs/job-asset-input';
import type { GeneratedImage } from '../providers/image/image-provider';
import type { ImageJobParameters } from './image-job-parameters';

export const IMAGE_SOURCE_MODULE = 'image_generation';

/** Image `index` of the `count` a job produced, as the asset the library keeps: its share of the cost, its lineage. */
export function imageAssetInput(
  job: GenerationJob,
  parameters: ImageJobParameters,
  image: GeneratedImage,
  position: { index: number; count: number },
  cost: number | null,
): SaveAssetInput {
  const { index, count } = position;
  const { title: _title, category: _category, tags: _tags, variables: _variables, ...providerParameters } = parameters;
  const fields = assetFieldsOfJob(job, parameters);
  return {
    ...fields,
    type: 'image',
    sourceModule: IMAGE_SOURCE_MODULE,
    title: count > 1 ? `${fields.title} (${index + 1}/${count})` : fields.title,
    bytes: image.bytes,
    cost: cost === null ? undefined : Math.round((cost / count) * 1_000_000) / 1_000_000,
    parameters: providerParameters,
    seed: image.seed ?? parameters.seed,
    steps: parameters.steps,
    guidance: parameters.guidance,
    metadata: {
      // A derived image names how it came from its parentAssetId (docs/ARCHITECTURE.md §6).
      ...(job.type === 'image_regeneration' && { operation: 'regenerate' }),
      ...(image.revisedPrompt && { revisedPrompt: image.revisedPrompt }),
      ...placeholderMetadata(job),
    },
  };
}
