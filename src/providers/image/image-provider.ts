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
  /** Stream this many partial images (1-3) while rendering, each handed to the call's PartialImageSink. */
  partialImages?: number;
}

/** Receives each partial image of a streaming call, in order, before the call returns its result. */
export type PartialImageSink = (index: number, bytes: Buffer) => Promise<void>;

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

/** What POST /image/:assetId/edit can ask for (docs/ARCHITECTURE.md §4, Image Studio). */
export const EDIT_OPERATIONS = [
  'edit',
  'inpaint',
  'outpaint',
  'erase',
  'remove_background',
  'search_and_replace',
] as const;
export type EditOperation = (typeof EDIT_OPERATIONS)[number];

/** How POST /image/:assetId/upscale enlarges: fast and conservative answer at once, creative renders remotely. */
export const UPSCALE_MODES = ['fast', 'conservative', 'creative'] as const;
export type UpscaleMode = (typeof UPSCALE_MODES)[number];

/** An image handed to a provider: its bytes and the type they are. */
export interface SourceImage {
  bytes: Buffer;
  mimeType: string;
}

/** An edit of a stored image, already checked against what the provider and model can do. */
export interface ImageEditRequest {
  operation: EditOperation;
  prompt: string;
  model: string;
  n: number;
  source: SourceImage;
  /** Where to edit: transparent pixels (alpha 0) mark the region; the same size as the source. */
  mask?: SourceImage;
  /** Further images the edit draws on (OpenAI: up to 15 beside the source). */
  references: SourceImage[];
  /** search_and_replace: what to find (prompt says what replaces it). */
  searchPrompt?: string;
  size?: string;
  quality?: string;
  background?: string;
  outputFormat?: ImageOutputFormat;
  inputFidelity?: string;
  partialImages?: number;
}

export interface ImageUpscaleRequest {
  mode: UpscaleMode;
  model: string;
  source: SourceImage;
  prompt?: string;
  outputFormat?: ImageOutputFormat;
}

/** One image backend. Implementations throw ProviderError (retryable or not) for every failed call. */
export interface ImageProvider {
  readonly name: ImageProviderName;
  /** The model used when a request names this provider but no model. */
  readonly defaultModel: string;
  /** Whether credentials are configured; an unconfigured provider answers 503 at request time. */
  isConfigured(): boolean;
  /** `signal` aborts the call when the job's time is up. */
  generate(
    request: ImageGenerationRequest,
    signal: AbortSignal,
    onPartial?: PartialImageSink,
  ): Promise<ImageGenerationResult>;
  /** The edit operations this provider can do (empty: none); `edit` is called only with one of them. */
  readonly editOperations: readonly EditOperation[];
  /** The upscale modes this provider can do (empty: none). */
  readonly upscaleModes: readonly UpscaleMode[];
  /** Whether an edit may carry reference images beside its source. */
  readonly editReferences: boolean;
  edit?(request: ImageEditRequest, signal: AbortSignal, onPartial?: PartialImageSink): Promise<ImageGenerationResult>;
  upscale?(request: ImageUpscaleRequest, signal: AbortSignal): Promise<ImageGenerationResult>;
  /** Upscale modes that need a prompt (what the image shows). */
  readonly upscalePromptModes?: readonly UpscaleMode[];
  /**
   * Upscale modes rendered remotely: `startUpscale` answers an id (recorded on the job before the first poll)
   * and `pollUpscale` fetches the result until it is ready.
   */
  readonly remoteUpscaleModes?: readonly UpscaleMode[];
  startUpscale?(request: ImageUpscaleRequest, signal: AbortSignal): Promise<string>;
  pollUpscale?(id: string, signal: AbortSignal): Promise<RemoteImageState>;
  /** The model name a studio job records for an operation or upscale mode, where the provider has none to choose. */
  studioModel?(operation: EditOperation | 'upscale', mode?: UpscaleMode): string;
}

/** A remote render: still running (poll again, after `pollAfterMs` when the provider says), or its image. */
export type RemoteImageState = { done: false; pollAfterMs?: number } | { done: true; image: GeneratedImage };
