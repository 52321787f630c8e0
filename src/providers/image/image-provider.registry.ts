import { Injectable } from '@nestjs/common';
import { EngineConfig, ImageProviderName } from '../../config/engine-config';
import { PixelBudget } from '../../storage/pixel-budget';
import { KindProviderRegistry } from '../catalogue/kind-provider-registry';
import { ModelCatalogue } from '../catalogue/model-catalogue.service';
import { GENERIC_MODELS } from './image-models';
import type { ImageProvider } from './image-provider';
import { OpenAiImageProvider } from './openai-image.provider';
import { PlaceholderImageProvider } from './placeholder-image.provider';
import { StabilityImageProvider } from './stability-image.provider';

/** What to set for each provider that needs credentials, named in its 503 (as the text routes name theirs). */
export const IMAGE_PROVIDER_SETUP_HINTS: Record<Exclude<ImageProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
  stability: 'set STABILITY_API_KEY (and STABILITY_BASE_URL for another Stability-compatible endpoint)',
};

/**
 * Picks the image provider for a request: the one named, else the one serving the named model, else the
 * default (IMAGE_DEFAULT_PROVIDER, or the first configured of openai, stability, placeholder).
 */
@Injectable()
export class ImageProviderRegistry extends KindProviderRegistry<'image', ImageProviderName, ImageProvider> {
  constructor(config: EngineConfig, catalogue: ModelCatalogue) {
    super(catalogue, {
      kind: 'image',
      label: 'Image',
      adapters: {
        openai: new OpenAiImageProvider(config, config.storage.maxFileBytes),
        stability: new StabilityImageProvider(config),
        placeholder: new PlaceholderImageProvider(new PixelBudget(config.storage.imagePixelBudget)),
      },
      generic: GENERIC_MODELS,
      setupHints: IMAGE_PROVIDER_SETUP_HINTS,
      configuredDefault: config.imageGeneration.defaultProvider,
      defaultOrder: ['openai', 'stability', 'placeholder'],
    });
  }
}
