import { ProviderError } from '../../common/errors';
import type { EngineConfig, ImageProviderName } from '../../config/engine-config';
import type {
  EditOperation,
  UpscaleMode,
  ImageGenerationRequest,
  ImageGenerationResult,
  ImageProvider,
} from './image-provider';
import { httpFailure } from '../provider-failures';

/** Stable Diffusion through Stability's REST API (Stable Image: core, ultra, sd3), multipart in, image bytes out. */
export class StabilityImageProvider implements ImageProvider {
  readonly name: ImageProviderName = 'stability';
  readonly editOperations: readonly EditOperation[] = [];
  readonly upscaleModes: readonly UpscaleMode[] = [];
  readonly editReferences = false;

  constructor(private readonly config: EngineConfig) {}

  get defaultModel(): string {
    return this.config.imageGeneration.stabilityModel;
  }

  isConfigured(): boolean {
    return Boolean(this.config.stability.apiKey);
  }

  async generate(request: ImageGenerationRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    const url = `${this.config.stability.baseUrl.replace(/\/+$/, '')}/v2beta/stable-image/generate/${encodeURIComponent(request.model)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.stability.apiKey}`, accept: 'image/*' },
        body: toStabilityForm(request),
        signal,
      });
    } catch (error) {
      const reason = signal.aborted
        ? 'did not answer in time'
        : `could not be reached: ${error instanceof Error ? error.message : String(error)}`;
      throw new ProviderError(`stability ${reason}`, true, { provider: 'stability', cause: error });
    }
    if (!response.ok) throw await stabilityFailure(response);
    if (response.headers.get('finish-reason') === 'CONTENT_FILTERED') {
      throw new ProviderError('stability filtered the image for content', false, {
        provider: 'stability',
        code: 'CONTENT_POLICY_VIOLATION',
      });
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const seed = Number(response.headers.get('seed') ?? NaN);
    return { images: [{ bytes, seed: Number.isFinite(seed) ? seed : request.seed }] };
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

async function stabilityFailure(response: Response): Promise<ProviderError> {
  const body = (await response.json().catch(() => undefined)) as { name?: string; errors?: string[] } | undefined;
  const message = body?.errors?.join('; ') || body?.name || response.statusText || 'no details';
  return httpFailure('stability', response.status, message, {
    headers: response.headers,
    contentPolicy: body?.name === 'content_moderation',
  });
}
