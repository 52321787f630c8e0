import type { SaveAssetInput } from '../assets/save-asset-input';
import { truncate } from '../common/text';
import type { GenerationJob } from '../generated/prisma/client';

const TITLE_LENGTH = 120;

/** The labels a request gives the assets its job creates. */
export interface AssetLabels {
  title?: string;
  category?: string;
  tags?: string[];
}

type JobFields = Pick<
  SaveAssetInput,
  | 'title'
  | 'prompt'
  | 'negativePrompt'
  | 'category'
  | 'tags'
  | 'provider'
  | 'model'
  | 'generationTimeMs'
  | 'generationId'
  | 'parentAssetId'
>;

/**
 * What every generated asset takes from its job: the prompt (also its title when the request gave none),
 * provider, model, time taken and lineage, and the request's labels.
 */
export function assetFieldsOfJob(job: GenerationJob, labels: AssetLabels): JobFields {
  return {
    title: labels.title ?? truncate(job.prompt, TITLE_LENGTH),
    prompt: job.prompt,
    negativePrompt: job.negativePrompt ?? undefined,
    category: labels.category,
    tags: labels.tags,
    provider: job.provider ?? undefined,
    model: job.model ?? undefined,
    generationTimeMs: job.startedAt ? Date.now() - job.startedAt.getTime() : undefined,
    generationId: job.id,
    parentAssetId: job.parentAssetId ?? undefined,
  };
}

/** The placeholder provider makes its output locally: its assets say so, so nobody takes them for real generations. */
export function placeholderMetadata(job: GenerationJob): { placeholder?: true } {
  return job.provider === 'placeholder' ? { placeholder: true } : {};
}
