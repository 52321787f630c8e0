import { pickTypedFields } from '../common/objects';
import { IMAGE_OUTPUT_FORMATS, type ImageOutputFormat } from '../providers/image/image-provider';
import type { ImageGenerationRequest } from '../providers/image/image-provider';

/** What an image job stores in GenerationJob.parameters: the provider parameters and the asset's labels. */
export interface ImageJobParameters extends Omit<ImageGenerationRequest, 'prompt' | 'negativePrompt' | 'model'> {
  title?: string;
  category?: string;
  tags?: string[];
  /** Template values the prompt was rendered with. */
  variables?: Record<string, string>;
  /** The model was deprecated, or replaced by its successor, when the job was made. */
  warnings?: string[];
}

const STRING_KEYS = ['size', 'aspectRatio', 'quality', 'style', 'background', 'title', 'category'] as const;
const NUMBER_KEYS = ['n', 'seed', 'steps', 'guidance'] as const;

/**
 * The image parameters found in free-form JSON (a template's or an earlier asset's `parameters`), each
 * kept only when it has the right type; the model's rules check the values afterwards.
 */
export function pickImageParameters(json: unknown): Partial<ImageJobParameters> {
  const picked = pickTypedFields(json, { strings: STRING_KEYS, numbers: NUMBER_KEYS }) as Partial<ImageJobParameters>;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return picked;
  const source = json as Record<string, unknown>;
  if (IMAGE_OUTPUT_FORMATS.includes(source.outputFormat as ImageOutputFormat))
    picked.outputFormat = source.outputFormat as ImageOutputFormat;
  if (Array.isArray(source.tags) && source.tags.every((tag) => typeof tag === 'string')) picked.tags = source.tags;
  return picked;
}

export function toProviderRequest(
  job: { prompt: string; negativePrompt: string | null; model: string },
  parameters: ImageJobParameters,
): ImageGenerationRequest {
  return {
    prompt: job.prompt,
    negativePrompt: job.negativePrompt ?? undefined,
    model: job.model,
    n: parameters.n,
    size: parameters.size,
    aspectRatio: parameters.aspectRatio,
    quality: parameters.quality,
    style: parameters.style,
    background: parameters.background,
    outputFormat: parameters.outputFormat,
    seed: parameters.seed,
    steps: parameters.steps,
    guidance: parameters.guidance,
    partialImages: parameters.partialImages,
  };
}
