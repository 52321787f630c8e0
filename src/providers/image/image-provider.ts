import type { ImageProviderName } from '../provider-names';

export const IMAGE_OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type ImageOutputFormat = (typeof IMAGE_OUTPUT_FORMATS)[number];

/** A provider-neutral image request, already validated against its model's rules (image-models.ts). */
export interface ImageGenerationRequest {
  prompt: string;
  negativePrompt?: string;
  model: string;
  /** Number of images. */
  n: number;
  /** WIDTHxHEIGHT or `auto` (OpenAI, placeholder). */
  size?: string;
  /** e.g. `16:9` (Stability). */
  aspectRatio?: string;
  quality?: string;
  style?: string;
  background?: string;
  outputFormat?: ImageOutputFormat;
  seed?: number;
  steps?: number;
  guidance?: number;
}

export interface GeneratedImage {
  /** The encoded image as the provider produced it (PNG, JPEG or WebP). */
  bytes: Buffer;
  revisedPrompt?: string;
  seed?: number;
}

export interface ImageGenerationResult {
  images: GeneratedImage[];
  /** Token usage, when the API reports it (GPT image models): cost is then computed from tokens. */
  usage?: { inputTokens: number; outputTokens: number };
}

/** One image backend. Implementations throw ProviderError (retryable or not) for every failed call. */
export interface ImageProvider {
  readonly name: ImageProviderName;
  /** The model used when a request names this provider but no model. */
  readonly defaultModel: string;
  /** Whether credentials are configured; an unconfigured provider answers 503 at request time. */
  isConfigured(): boolean;
  /** `signal` aborts the call when the job's time is up. */
  generate(request: ImageGenerationRequest, signal: AbortSignal): Promise<ImageGenerationResult>;
}
