import { Injectable } from '@nestjs/common';
import { ProviderNotConfiguredError } from '../../common/errors';
import { EngineConfig, IMAGE_PROVIDER_NAMES, ImageProviderName } from '../../config/engine-config';
import type { ProviderAvailability } from '../catalogue/provider-availability';
import { ModelCatalogue, type SelectedModel } from '../catalogue/model-catalogue.service';
import { GENERIC_MODELS, ImageModelSpec } from './image-models';
import type { ImageProvider } from './image-provider';
import { OpenAiImageProvider } from './openai-image.provider';
import { PlaceholderImageProvider } from './placeholder-image.provider';
import { StabilityImageProvider } from './stability-image.provider';

/** What to set for each provider that needs credentials, named in its 503 (as the text routes name theirs). */
export const IMAGE_PROVIDER_SETUP_HINTS: Record<Exclude<ImageProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
  stability: 'set STABILITY_API_KEY (and STABILITY_BASE_URL for another Stability-compatible endpoint)',
};

export interface ResolvedImageModel extends Omit<SelectedModel<ImageModelSpec>, 'provider'> {
  provider: ImageProvider;
}

/**
 * Picks the image provider for a request: the one named, else the one serving the named model, else the
 * default (IMAGE_DEFAULT_PROVIDER, or the first configured of openai, stability, placeholder).
 */
@Injectable()
export class ImageProviderRegistry implements ProviderAvailability {
  readonly kind = 'image';
  private readonly providers: Record<ImageProviderName, ImageProvider>;

  constructor(
    private readonly config: EngineConfig,
    private readonly catalogue: ModelCatalogue,
  ) {
    this.providers = {
      openai: new OpenAiImageProvider(config, config.storage.maxFileBytes),
      stability: new StabilityImageProvider(config),
      placeholder: new PlaceholderImageProvider(),
    };
  }

  isProviderName(name: string): name is ImageProviderName {
    return (IMAGE_PROVIDER_NAMES as readonly string[]).includes(name);
  }

  get(name: ImageProviderName): ImageProvider {
    return this.providers[name];
  }

  defaultProvider(): ImageProvider {
    const configured = this.config.imageGeneration.defaultProvider;
    if (configured) return this.providers[configured];
    return (
      [this.providers.openai, this.providers.stability].find((provider) => provider.isConfigured()) ??
      this.providers.placeholder
    );
  }

  isConfigured(provider: ImageProviderName): boolean {
    return this.providers[provider].isConfigured();
  }

  isDefaultModel(provider: ImageProviderName, model: string): boolean {
    return this.providers[provider].defaultModel === model;
  }

  /**
   * The provider and the rules of the model a request names (ModelCatalogue.select). Credentials are not
   * checked here (see assertConfigured), so a request's every problem is found before a missing key is reported.
   */
  resolve(selection: { provider?: ImageProviderName; model?: string; replaceRetired?: boolean }): ResolvedImageModel {
    const provider = selection.provider
      ? this.providers[selection.provider]
      : selection.model
        ? this.providers[this.catalogue.providerOf('image', selection.model)]
        : this.defaultProvider();
    const selected = this.catalogue.select({
      kind: 'image',
      provider: provider.name,
      model: selection.model ?? provider.defaultModel,
      generic: GENERIC_MODELS[provider.name],
      replaceRetired: selection.replaceRetired,
    });
    return { ...selected, provider: this.providers[selected.provider] };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: ImageProvider): void {
    if (provider.isConfigured()) return;
    const hint = provider.name === 'placeholder' ? undefined : IMAGE_PROVIDER_SETUP_HINTS[provider.name];
    throw new ProviderNotConfiguredError(
      `Image provider ${provider.name} is not configured on this server (no API key)${hint ? `: ${hint}` : ''}`,
    );
  }
}
