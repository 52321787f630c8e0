import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { ProviderError } from '../../common/errors';
import type { EngineConfig, ImageProviderName } from '../../config/engine-config';
import type {
  EditOperation,
  GeneratedImage,
  ImageEditRequest,
  ImageGenerationRequest,
  ImageGenerationResult,
  ImageProvider,
  PartialImageSink,
  SourceImage,
  UpscaleMode,
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

  async generate(
    request: ImageGenerationRequest,
    signal: AbortSignal,
    onPartial?: PartialImageSink,
  ): Promise<ImageGenerationResult> {
    if (request.partialImages) {
      const params = { ...toOpenAiParams(request), stream: true as const, partial_images: request.partialImages };
      return this.streamed(() => this.sdk().images.generate(params, { signal }), signal, onPartial);
    }
    let response: OpenAI.ImagesResponse;
    try {
      response = await this.sdk().images.generate(toOpenAiParams(request), { signal });
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
    return this.resultOf(response, signal);
  }

  /**
   * `/v1/images/edits`: the source first, then the references (up to 16 images in all), and the mask (a PNG
   * whose transparent pixels mark where to edit; the SDK sends every file as a multipart part).
   */
  async edit(
    request: ImageEditRequest,
    signal: AbortSignal,
    onPartial?: PartialImageSink,
  ): Promise<ImageGenerationResult> {
    if (request.partialImages) {
      const params = {
        ...(await toOpenAiEditParams(request)),
        stream: true as const,
        partial_images: request.partialImages,
      };
      return this.streamed(() => this.sdk().images.edit(params, { signal }), signal, onPartial);
    }
    let response: OpenAI.ImagesResponse;
    try {
      response = await this.sdk().images.edit(await toOpenAiEditParams(request), { signal });
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
    return this.resultOf(response, signal);
  }

  /**
   * A streaming call (`stream: true`, `partial_images`): each partial image goes to `onPartial` as it arrives,
   * each completed event is a result image, and the usage of the completed events is added up.
   */
  private async streamed(
    call: () => Promise<AsyncIterable<OpenAI.ImageGenStreamEvent | OpenAI.ImageEditStreamEvent>>,
    signal: AbortSignal,
    onPartial: PartialImageSink | undefined,
  ): Promise<ImageGenerationResult> {
    const images: GeneratedImage[] = [];
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    try {
      for await (const event of await call()) {
        const bytes = Buffer.from(event.b64_json, 'base64');
        if (event.type === 'image_generation.partial_image' || event.type === 'image_edit.partial_image') {
          await onPartial?.(event.partial_image_index, bytes);
          continue;
        }
        images.push({ bytes });
        usage = {
          inputTokens: (usage?.inputTokens ?? 0) + event.usage.input_tokens,
          outputTokens: (usage?.outputTokens ?? 0) + event.usage.output_tokens,
        };
      }
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
    if (images.length === 0)
      throw new ProviderError('openai ended the stream without a completed image', true, { provider: 'openai' });
    return { images, usage };
  }

  private async resultOf(response: OpenAI.ImagesResponse, signal: AbortSignal): Promise<ImageGenerationResult> {
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

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** An image as an upload the Images API takes (PNG, JPEG or WebP; anything else is converted to PNG). */
async function uploadable(image: SourceImage, name: string) {
  const extension = EXTENSIONS[image.mimeType];
  if (extension) return toFile(image.bytes, `${name}.${extension}`, { type: image.mimeType });
  return toFile(await sharp(image.bytes).png().toBuffer(), `${name}.png`, { type: 'image/png' });
}

/** The edits body: only what GPT image models take, the mask as PNG (the API requires it). */
export async function toOpenAiEditParams(request: ImageEditRequest): Promise<OpenAI.ImageEditParamsNonStreaming> {
  const images = await Promise.all(
    [request.source, ...request.references].map((image, index) => uploadable(image, `image-${index}`)),
  );
  const mask =
    request.mask &&
    toFile(
      request.mask.mimeType === 'image/png' ? request.mask.bytes : await sharp(request.mask.bytes).png().toBuffer(),
      'mask.png',
      { type: 'image/png' },
    );
  return {
    model: request.model,
    prompt: request.prompt,
    image: images.length === 1 ? images[0] : images,
    n: request.n,
    ...(mask && { mask: await mask }),
    ...(request.size && { size: request.size as OpenAI.ImageEditParams['size'] }),
    ...(request.quality && { quality: request.quality as OpenAI.ImageEditParams['quality'] }),
    ...(request.background && { background: request.background as OpenAI.ImageEditParams['background'] }),
    ...(request.outputFormat && { output_format: request.outputFormat }),
    ...(request.inputFidelity && { input_fidelity: request.inputFidelity as 'high' | 'low' }),
  };
}
