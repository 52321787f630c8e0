import { Injectable } from '@nestjs/common';
import { EngineConfig } from '../../config/engine-config';
import { KindProviderRegistry } from '../catalogue/kind-provider-registry';
import { ModelCatalogue } from '../catalogue/model-catalogue.service';
import type { VideoProviderName } from '../provider-names';
import { OpenAiVideoProvider } from './openai-video.provider';
import { PlaceholderVideoProvider } from './placeholder-video.provider';
import { GENERIC_VIDEO_MODELS } from './video-models';
import type { VideoProvider } from './video-provider';

/** What to set for each provider that needs credentials, named in its 503. */
export const VIDEO_PROVIDER_SETUP_HINTS: Record<Exclude<VideoProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_VIDEO_BASE_URL or OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
};

/**
 * Picks the video provider for a request: the one named, else the one serving the named model, else the
 * default (VIDEO_DEFAULT_PROVIDER, or openai when OPENAI_API_KEY is set, else placeholder).
 */
@Injectable()
export class VideoProviderRegistry extends KindProviderRegistry<'video', VideoProviderName, VideoProvider> {
  constructor(config: EngineConfig, catalogue: ModelCatalogue) {
    super(catalogue, {
      kind: 'video',
      label: 'Video',
      adapters: { openai: new OpenAiVideoProvider(config), placeholder: new PlaceholderVideoProvider() },
      generic: GENERIC_VIDEO_MODELS,
      setupHints: VIDEO_PROVIDER_SETUP_HINTS,
      configuredDefault: config.videoGeneration.defaultProvider,
      defaultOrder: ['openai', 'placeholder'],
    });
  }
}
