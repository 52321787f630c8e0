import { ValidationError, type FieldProblem } from '../../common/errors';
import type { VideoProviderName } from '../provider-names';

/** What one video model accepts (its catalogue entry's capabilities). */
export interface VideoModelSpec {
  maxPromptLength: number;
  /** WIDTHxHEIGHT values the model renders. */
  sizes: readonly string[];
  defaultSize: string;
  /** Clip lengths in seconds the model renders. */
  seconds: readonly number[];
  defaultSeconds: number;
  /** Whether an image asset can be given as the first frame (`referenceAssetId`). */
  referenceImage: boolean;
}

const SORA_LANDSCAPE_PORTRAIT = ['1280x720', '720x1280'] as const;

export const SORA_2: VideoModelSpec = {
  maxPromptLength: 10000,
  sizes: SORA_LANDSCAPE_PORTRAIT,
  defaultSize: '1280x720',
  seconds: [4, 8, 12],
  defaultSeconds: 4,
  referenceImage: true,
};

export const SORA_2_PRO: VideoModelSpec = { ...SORA_2, sizes: [...SORA_LANDSCAPE_PORTRAIT, '1792x1024', '1024x1792'] };

export const PLACEHOLDER_VIDEO: VideoModelSpec = {
  maxPromptLength: 10000,
  sizes: ['320x180', '640x360', '1280x720', '720x1280', '480x480'],
  defaultSize: '640x360',
  seconds: [2, 4, 8],
  defaultSeconds: 4,
  referenceImage: true,
};

/** Rules of a video model the catalogue does not list, used when the caller names its provider. */
export const GENERIC_VIDEO_MODELS: Readonly<Record<VideoProviderName, VideoModelSpec>> = {
  openai: SORA_2_PRO,
  placeholder: PLACEHOLDER_VIDEO,
};

/** A provider-neutral video request, checked by validateVideoRequest. */
export interface VideoGenerationRequest {
  prompt: string;
  model: string;
  size: string;
  seconds: number;
  /** The first frame, when the request named a reference image asset. */
  referenceImage?: { bytes: Buffer; mimeType: string };
}

/** Every way a request breaks its model's rules, as one 400 listing them all. */
export function validateVideoRequest(
  request: Omit<VideoGenerationRequest, 'referenceImage'> & { referenceAssetId?: string },
  spec: VideoModelSpec,
): void {
  const { model } = request;
  const problems: FieldProblem[] = [];
  if (request.prompt.length > spec.maxPromptLength)
    problems.push({
      field: 'prompt',
      problems: [`prompt must be at most ${spec.maxPromptLength} characters for ${model}`],
    });
  if (!spec.sizes.includes(request.size))
    problems.push({ field: 'size', problems: [`size must be one of ${spec.sizes.join(', ')} for ${model}`] });
  if (!spec.seconds.includes(request.seconds))
    problems.push({ field: 'seconds', problems: [`seconds must be one of ${spec.seconds.join(', ')} for ${model}`] });
  if (request.referenceAssetId !== undefined && !spec.referenceImage)
    problems.push({ field: 'referenceAssetId', problems: [`a reference image is not supported by ${model}`] });
  if (problems.length > 0)
    throw new ValidationError(
      `Invalid request for model ${model}: ${problems.flatMap((p) => p.problems).join('; ')}`,
      problems,
    );
}
