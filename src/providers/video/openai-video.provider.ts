import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { PayloadTooLargeError, ProviderError } from '../../common/errors';
import type { EngineConfig } from '../../config/engine-config';
import { parseSize } from '../image/image-models';
import type { VideoProviderName } from '../provider-names';
import { openAiFailure, retryAfterMs } from '../provider-failures';
import type { VideoGenerationRequest } from './video-models';
import type { GeneratedVideo, VideoProgress, VideoProvider } from './video-provider';

/**
 * The Videos API of OpenAI (`/v1/videos`) or of any compatible endpoint (OPENAI_VIDEO_BASE_URL, else
 * OPENAI_BASE_URL), e.g. a gateway in front of other video vendors: create, retrieve until it ends, then
 * download the MP4 and its thumbnail variant (provider links expire, so the bytes are kept).
 */
export class OpenAiVideoProvider implements VideoProvider {
  readonly name: VideoProviderName = 'openai';
  readonly repeatableCreate = false;
  private client?: OpenAI;

  constructor(private readonly config: EngineConfig) {}

  get defaultModel(): string {
    return this.config.videoGeneration.openaiModel;
  }

  isConfigured(): boolean {
    return Boolean(this.config.openai.apiKey);
  }

  async create(request: VideoGenerationRequest, signal: AbortSignal): Promise<string> {
    const body: OpenAI.VideoCreateParams = {
      model: request.model,
      prompt: request.prompt,
      // The API takes seconds and size as strings of its enums; a compatible gateway may serve others.
      seconds: String(request.seconds) as OpenAI.VideoSeconds,
      size: request.size as OpenAI.VideoSize,
    };
    if (request.referenceImage) {
      // The API takes a first frame of exactly the video's size.
      const { width, height } = parseSize(request.size) as { width: number; height: number };
      const frame = await sharp(request.referenceImage.bytes).resize(width, height, { fit: 'cover' }).png().toBuffer();
      body.input_reference = await toFile(frame, 'reference.png', { type: 'image/png' });
    }
    const video = await this.call(signal, () => this.sdk().videos.create(body, { signal }));
    if (!video.id) throw new ProviderError('openai answered a video without an id', true, { provider: 'openai' });
    return video.id;
  }

  async poll(videoId: string, signal: AbortSignal): Promise<VideoProgress> {
    const { data: video, response } = await this.call(signal, () =>
      this.sdk().videos.retrieve(videoId, { signal }).withResponse(),
    );
    const pollAfter = Number(response.headers.get('openai-poll-after-ms') ?? NaN);
    return {
      status: video.status,
      progress: Math.max(0, Math.min(100, Math.round(video.progress ?? 0))),
      error: video.error ? { code: video.error.code, message: video.error.message } : undefined,
      pollAfterMs: Number.isFinite(pollAfter) && pollAfter >= 0 ? pollAfter : retryAfterMs(response.headers),
    };
  }

  async download(videoId: string, _request: VideoGenerationRequest, signal: AbortSignal): Promise<GeneratedVideo> {
    const bytes = await this.content(videoId, 'video', signal);
    const poster = await this.content(videoId, 'thumbnail', signal);
    return { bytes, poster };
  }

  async discard(videoId: string): Promise<void> {
    // Only finished videos can be deleted; one still rendering is left to expire at the provider.
    await this.sdk()
      .videos.delete(videoId)
      .catch(() => undefined);
  }

  private async content(videoId: string, variant: 'video' | 'thumbnail', signal: AbortSignal): Promise<Buffer> {
    const response = await this.call(signal, () =>
      this.sdk().videos.downloadContent(videoId, variant === 'video' ? {} : { variant }, { signal }),
    );
    const limit = this.config.storage.maxFileBytes;
    if (Number(response.headers.get('content-length') ?? 0) > limit) {
      await response.body?.cancel();
      throw tooLarge(variant, limit);
    }
    const bytes = Buffer.from(await this.call(signal, () => response.arrayBuffer()));
    if (bytes.length > limit) throw tooLarge(variant, limit);
    return bytes;
  }

  private async call<T>(signal: AbortSignal, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
  }

  private sdk(): OpenAI {
    this.client ??= new OpenAI({
      apiKey: this.config.openai.apiKey,
      baseURL: this.config.videoGeneration.openaiBaseUrl ?? this.config.openai.baseUrl,
      organization: this.config.openai.organization,
      timeout: this.config.openai.timeoutMs,
      // The queue retries with backoff and Retry-After; retries inside the SDK would hide failures from it,
      // and a retried create could make a second video.
      maxRetries: 0,
    });
    return this.client;
  }
}

function tooLarge(variant: string, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`openai's ${variant} is larger than STORAGE_MAX_FILE_BYTES (${limit} bytes)`);
}
