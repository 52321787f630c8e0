import { ProviderError } from '../../common/errors';
import type { EngineConfig, ImageProviderName } from '../../config/engine-config';
import type {
  EditOperation,
  ImageEditRequest,
  ImageGenerationRequest,
  ImageGenerationResult,
  ImageProvider,
  ImageUpscaleRequest,
  RemoteImageState,
  UpscaleMode,
} from './image-provider';
import {
  STABILITY_EDIT_PATHS,
  STABILITY_UPSCALE_PATHS,
  type StabilityCall,
  stabilityEditForm,
  stabilityFetch,
  stabilityImage,
  stabilityResult,
  stabilityUpscaleForm,
} from './stability-image-edits';

/**
 * Stable Diffusion through Stability's REST API (v2beta), multipart in, image bytes out: generation (Stable
 * Image core, ultra, sd3), edits (inpaint, outpaint, erase, search-and-replace, remove-background) and
 * upscales (fast and conservative answer at once; creative answers an id fetched from results/{id}).
 */
export class StabilityImageProvider implements ImageProvider {
  readonly name: ImageProviderName = 'stability';
  readonly editOperations = Object.keys(STABILITY_EDIT_PATHS) as EditOperation[];
  readonly upscaleModes = Object.keys(STABILITY_UPSCALE_PATHS) as UpscaleMode[];
  readonly upscalePromptModes: readonly UpscaleMode[] = ['conservative', 'creative'];
  readonly remoteUpscaleModes: readonly UpscaleMode[] = ['creative'];
  readonly editReferences = false;

  constructor(private readonly config: EngineConfig) {}

  get defaultModel(): string {
    return this.config.imageGeneration.stabilityModel;
  }

  isConfigured(): boolean {
    return Boolean(this.config.stability.apiKey);
  }

  /** Stability's edits and upscales are endpoints, not models: the job records which one (and is priced by it). */
  studioModel(operation: EditOperation | 'upscale', mode?: UpscaleMode): string {
    return operation === 'upscale' ? `stability-upscale-${mode ?? 'fast'}` : `stability-${operation}`;
  }

  async generate(request: ImageGenerationRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const response = await stabilityFetch(
      this.call(signal),
      `stable-image/generate/${encodeURIComponent(request.model)}`,
      {
        method: 'POST',
        headers: { accept: 'image/*' },
        body: toStabilityForm(request),
      },
    );
    const image = await stabilityImage(response);
    return { images: [{ ...image, seed: image.seed ?? request.seed }] };
  }

  async edit(request: ImageEditRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const path = STABILITY_EDIT_PATHS[request.operation];
    if (!path) throw new ProviderError(`stability cannot ${request.operation}`, false, { provider: 'stability' });
    const images = [];
    // Every edit endpoint answers one image: n copies are n calls.
    for (let index = 0; index < request.n; index++) {
      const response = await stabilityFetch(this.call(signal), `stable-image/${path}`, {
        method: 'POST',
        headers: { accept: 'image/*' },
        body: await stabilityEditForm(request),
      });
      images.push(await stabilityImage(response));
    }
    return { images };
  }

  async upscale(request: ImageUpscaleRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const response = await stabilityFetch(this.call(signal), `stable-image/${STABILITY_UPSCALE_PATHS[request.mode]}`, {
      method: 'POST',
      headers: { accept: 'image/*' },
      body: stabilityUpscaleForm(request),
    });
    return { images: [await stabilityImage(response)] };
  }

  /** The creative upscale's create call: answers the id its result is fetched by. */
  async startUpscale(request: ImageUpscaleRequest, signal: AbortSignal): Promise<string> {
    const response = await stabilityFetch(this.call(signal), `stable-image/${STABILITY_UPSCALE_PATHS[request.mode]}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: stabilityUpscaleForm(request),
    });
    const body = (await response.json().catch(() => undefined)) as { id?: unknown } | undefined;
    if (typeof body?.id !== 'string' || body.id.length === 0)
      throw new ProviderError('stability answered the upscale without an id', true, { provider: 'stability' });
    return body.id;
  }

  pollUpscale(id: string, signal: AbortSignal): Promise<RemoteImageState> {
    return stabilityResult(this.call(signal), id);
  }

  private call(signal: AbortSignal): StabilityCall {
    return { baseUrl: this.config.stability.baseUrl, apiKey: this.config.stability.apiKey ?? '', signal };
  }
}

export function toStabilityForm(request: ImageGenerationRequest): FormData {
  const form = new FormData();
  form.set('prompt', request.prompt);
  if (request.negativePrompt) form.set('negative_prompt', request.negativePrompt);
  if (request.aspectRatio) form.set('aspect_ratio', request.aspectRatio);
  if (request.seed !== undefined) form.set('seed', String(request.seed));
  if (request.guidance !== undefined) form.set('cfg_scale', String(request.guidance));
  form.set('output_format', request.outputFormat ?? 'png');
  return form;
}
