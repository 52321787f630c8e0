import OpenAI from 'openai';
import { ProviderError } from '../../common/errors';
import type { EngineConfig, ImageProviderName } from '../../config/engine-config';
import type {
  EditOperation,
  UpscaleMode,
  GeneratedImage,
  ImageGenerationRequest,
  ImageGenerationResult,
  ImageProvider,
} from './image-provider';
import { openAiClient } from '../openai-client';
import { openAiFailure } from '../provider-failures';
import { downloadImage } from './safe-download';

const isGptImageModel = (model: string) => model.startsWith('gpt-image') || model.startsWith('chatgpt-image');

/**
 * Images API of OpenAI or any compatible endpoint (OPENAI_BASE_URL). GPT image models always answer base64;
 * DALL-E models are asked for base64 too, and a URL answer (some compatible endpoints only give links) is
 * downloaded at once, because provider links expire.
 */
export class OpenAiImageProvider implements ImageProvider {
  readonly name: ImageProviderName = 'openai';
  readonly editOperations: readonly EditOperation[] = ['edit', 'inpaint'];
  readonly upscaleModes: readonly UpscaleMode[] = [];
  readonly editReferences = true;
  private client?: OpenAI;

  constructor(
    private readonly config: EngineConfig,
    private readonly maxDownloadBytes: number,
  ) {}

  get defaultModel(): string {
    return this.config.imageGeneration.openaiModel;
  }

  isConfigured(): boolean {
    return Boolean(this.config.openai.apiKey);
  }

  async generate(request: ImageGenerationRequest, signal: AbortSignal): Promise<ImageGenerationResult> {
    let response: OpenAI.ImagesResponse;
    try {
      response = await this.sdk().images.generate(toOpenAiParams(request), { signal });
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
    if (!response.data?.length)
      throw new ProviderError('openai answered without any image', true, { provider: 'openai' });
    const images: GeneratedImage[] = [];
    for (const image of response.data) {
      images.push({ bytes: await this.bytesOf(image, signal), revisedPrompt: image.revised_prompt ?? undefined });
    }
    return {
      images,
      usage: response.usage && { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens },
    };
  }

  private async bytesOf(image: OpenAI.Image, signal: AbortSignal): Promise<Buffer> {
    if (image.b64_json) return Buffer.from(image.b64_json, 'base64');
    if (image.url)
      return downloadImage(
        image.url,
        { ...this.config.imageGeneration.download, maxBytes: this.maxDownloadBytes },
        signal,
      );
    throw new ProviderError('openai answered an image with neither b64_json nor url', true, { provider: 'openai' });
  }

  private sdk(): OpenAI {
    this.client ??= openAiClient(this.config);
    return this.client;
  }
}

/** The Images API body for one model family; only parameters that family accepts are sent. */
export function toOpenAiParams(request: ImageGenerationRequest): OpenAI.ImageGenerateParamsNonStreaming {
  const common = {
    model: request.model,
    prompt: request.prompt,
    n: request.n,
    ...(request.size && { size: request.size }),
  };
  if (isGptImageModel(request.model)) {
    return {
      ...common,
      ...(request.quality && { quality: request.quality }),
      ...(request.background && { background: request.background }),
      ...(request.outputFormat && { output_format: request.outputFormat }),
    } as OpenAI.ImageGenerateParamsNonStreaming;
  }
  return {
    ...common,
    response_format: 'b64_json',
    ...(request.quality && { quality: request.quality }),
    ...(request.style && { style: request.style }),
  } as OpenAI.ImageGenerateParamsNonStreaming;
}
