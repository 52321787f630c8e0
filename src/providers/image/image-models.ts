import { type FieldProblem, ValidationError } from '../../common/errors';
import type { ImageProviderName } from '../provider-names';
import { IMAGE_OUTPUT_FORMATS, type ImageGenerationRequest, type ImageOutputFormat } from './image-provider';

/** What one image model accepts (its catalogue entry's capabilities). Requests are checked against it before anything is queued. */
export interface ImageModelSpec {
  maxPromptLength: number;
  maxImages: number;
  /** Allowed `size` values; `freeSize` accepts any WIDTHxHEIGHT within its bounds instead. */
  sizes?: readonly string[];
  freeSize?: { min: number; max: number };
  aspectRatios?: readonly string[];
  qualities?: readonly string[];
  styles?: readonly string[];
  backgrounds?: readonly string[];
  outputFormats: readonly ImageOutputFormat[];
  negativePrompt?: { maxLength: number };
  seed?: { min: number; max: number };
  steps?: { min: number; max: number };
  guidance?: { min: number; max: number };
  /** How many partial images the model can stream while it renders (live previews). */
  partialImages?: { min: number; max: number };
}

export const GPT_IMAGE: ImageModelSpec = {
  maxPromptLength: 32000,
  maxImages: 10,
  sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'],
  qualities: ['auto', 'low', 'medium', 'high'],
  backgrounds: ['auto', 'opaque', 'transparent'],
  outputFormats: IMAGE_OUTPUT_FORMATS,
  partialImages: { min: 1, max: 3 },
};

const STABILITY_ASPECT_RATIOS = ['1:1', '16:9', '9:16', '21:9', '9:21', '3:2', '2:3', '5:4', '4:5'] as const;
export const STABILITY_IMAGE: ImageModelSpec = {
  maxPromptLength: 10000,
  maxImages: 1,
  aspectRatios: STABILITY_ASPECT_RATIOS,
  outputFormats: IMAGE_OUTPUT_FORMATS,
  negativePrompt: { maxLength: 10000 },
  seed: { min: 0, max: 4294967294 },
};

export const PLACEHOLDER_IMAGE: ImageModelSpec = {
  maxPromptLength: 32000,
  maxImages: 4,
  freeSize: { min: 64, max: 2048 },
  outputFormats: IMAGE_OUTPUT_FORMATS,
  negativePrompt: { maxLength: 10000 },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  steps: { min: 1, max: 150 },
  guidance: { min: 0, max: 50 },
};

/**
 * Rules for a model the catalogue does not list, used only when the caller names its provider (an
 * OpenAI-compatible endpoint names its models freely), and the capabilities of a catalogue entry an
 * operator adds without giving them.
 */
export const GENERIC_MODELS: Readonly<Record<ImageProviderName, ImageModelSpec>> = {
  openai: {
    maxPromptLength: 32000,
    maxImages: 10,
    freeSize: { min: 64, max: 4096 },
    qualities: ['auto', 'low', 'medium', 'high', 'standard', 'hd'],
    styles: ['vivid', 'natural'],
    outputFormats: ['png'],
  },
  stability: STABILITY_IMAGE,
  placeholder: PLACEHOLDER_IMAGE,
};

const SIZE_PATTERN = /^(\d{2,5})x(\d{2,5})$/;

export function parseSize(size: string): { width: number; height: number } | undefined {
  const match = SIZE_PATTERN.exec(size);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

function oneOf(
  field: string,
  value: string | undefined,
  allowed: readonly string[] | undefined,
  model: string,
): FieldProblem[] {
  if (value === undefined) return [];
  if (!allowed) return [{ field, problems: [`${field} is not supported by ${model}`] }];
  return allowed.includes(value)
    ? []
    : [{ field, problems: [`${field} must be one of ${allowed.join(', ')} for ${model}`] }];
}

function within(
  field: string,
  value: number | undefined,
  range: { min: number; max: number } | undefined,
  model: string,
): FieldProblem[] {
  if (value === undefined) return [];
  if (!range) return [{ field, problems: [`${field} is not supported by ${model}`] }];
  return value >= range.min && value <= range.max
    ? []
    : [{ field, problems: [`${field} must be between ${range.min} and ${range.max} for ${model}`] }];
}

function sizeProblems(request: ImageGenerationRequest, spec: ImageModelSpec): FieldProblem[] {
  if (request.size === undefined) return [];
  if (spec.sizes) return oneOf('size', request.size, spec.sizes, request.model);
  if (!spec.freeSize)
    return [{ field: 'size', problems: [`size is not supported by ${request.model}; use aspectRatio`] }];
  const { min, max } = spec.freeSize;
  const parsed = parseSize(request.size);
  const fits = parsed && [parsed.width, parsed.height].every((side) => side >= min && side <= max);
  return request.size === 'auto' || fits
    ? []
    : [
        {
          field: 'size',
          problems: [`size must be "auto" or WIDTHxHEIGHT with sides between ${min} and ${max} for ${request.model}`],
        },
      ];
}

function negativePromptProblems(request: ImageGenerationRequest, spec: ImageModelSpec): FieldProblem[] {
  if (request.negativePrompt === undefined) return [];
  if (!spec.negativePrompt)
    return [{ field: 'negativePrompt', problems: [`negativePrompt is not supported by ${request.model}`] }];
  return request.negativePrompt.length <= spec.negativePrompt.maxLength
    ? []
    : [
        {
          field: 'negativePrompt',
          problems: [`negativePrompt must be at most ${spec.negativePrompt.maxLength} characters for ${request.model}`],
        },
      ];
}

/** Every way `request` breaks its model's rules, one entry per field. */
export function imageRequestProblems(request: ImageGenerationRequest, spec: ImageModelSpec): FieldProblem[] {
  const { model } = request;
  return [
    ...(request.prompt.length > spec.maxPromptLength
      ? [{ field: 'prompt', problems: [`prompt must be at most ${spec.maxPromptLength} characters for ${model}`] }]
      : []),
    ...(request.n > spec.maxImages
      ? [{ field: 'n', problems: [`n must be at most ${spec.maxImages} for ${model}`] }]
      : []),
    ...sizeProblems(request, spec),
    ...oneOf('aspectRatio', request.aspectRatio, spec.aspectRatios, model),
    ...oneOf('quality', request.quality, spec.qualities, model),
    ...oneOf('style', request.style, spec.styles, model),
    ...oneOf('background', request.background, spec.backgrounds, model),
    ...oneOf('outputFormat', request.outputFormat, spec.outputFormats, model),
    ...negativePromptProblems(request, spec),
    ...within('seed', request.seed, spec.seed, model),
    ...within('steps', request.steps, spec.steps, model),
    ...within('guidance', request.guidance, spec.guidance, model),
    ...within('partialImages', request.partialImages, spec.partialImages, model),
  ];
}

/** Every way `request` breaks its model's rules, as one 400 listing them all. */
export function validateImageRequest(request: ImageGenerationRequest, spec: ImageModelSpec): void {
  const problems = imageRequestProblems(request, spec);
  if (problems.length > 0) {
    throw new ValidationError(
      `Invalid request for model ${request.model}: ${problems.flatMap((p) => p.problems).join('; ')}`,
      problems,
    );
  }
}
