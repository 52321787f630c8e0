import { Injectable } from '@nestjs/common';
import { ProviderNotConfiguredError, ValidationError } from '../../common/errors';
import { EngineConfig, IMAGE_PROVIDER_NAMES, ImageProviderName } from '../../config/engine-config';
import { IMAGE_MODELS, ImageModelSpec, imageModelSpec } from './image-models';
import type { ImageProvider } from './image-provider';
import { OpenAiImageProvider } from './openai-image.provider';
import { PlaceholderImageProvider } from './placeholder-image.provider';
import { StabilityImageProvider } from './stability-image.provider';

/** What to set for each provider that needs credentials, named in its 503 (as the text routes name theirs). */
export const IMAGE_PROVIDER_SETUP_HINTS: Record<Exclude<ImageProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
  stability: 'set STABILITY_API_KEY (and STABILITY_BASE_URL for another Stability-compatible endpoint)',
};

export interface ResolvedImageModel {
  provider: ImageProvider;
  model: string;
  spec: ImageModelSpec;
}

/**
 * Picks the image provider for a request: the one named, else the one serving the named model, else the
 * default (IMAGE_DEFAULT_PROVIDER, or the first configured of openai, stability, placeholder).
 */
@Injectable()
export class ImageProviderRegistry {
  private readonly providers: Record<ImageProviderName, ImageProvider>;

  constructor(private readonly config: EngineConfig) {
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

  /**
   * The provider and the rules of the model a request names. A model the catalogue gives to another provider
   * than the one named, or an unknown model without a provider, is a 400. Credentials are not checked here
   * (see assertConfigured), so a request's every problem is found before a missing key is reported.
   */
  resolve(selection: { provider?: ImageProviderName; model?: string }): ResolvedImageModel {
    const provider = selection.provider
      ? this.providers[selection.provider]
      : selection.model
        ? this.providers[this.knownModel(selection.model).provider]
        : this.defaultProvider();
    const model = selection.model ?? provider.defaultModel;
    const known = IMAGE_MODELS[model];
    if (known && known.provider !== provider.name) {
      const message = `Model ${model} is served by provider ${known.provider}, not ${provider.name}: name provider ${known.provider}, or a model of ${provider.name}`;
      throw new ValidationError(message, [{ field: 'model', problems: [message] }]);
    }
    const spec = imageModelSpec(model, provider.name);
    if (!spec)
      throw new ValidationError(`Model ${model} is not served by provider ${provider.name}`, [
        { field: 'model', problems: [`not served by ${provider.name}`] },
      ]);
    return { provider, model, spec };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: ImageProvider): void {
    if (provider.isConfigured()) return;
    const hint = provider.name === 'placeholder' ? undefined : IMAGE_PROVIDER_SETUP_HINTS[provider.name];
    throw new ProviderNotConfiguredError(
      `Image provider ${provider.name} is not configured on this server (no API key)${hint ? `: ${hint}` : ''}`,
    );
  }

  private knownModel(model: string): ImageModelSpec {
    const spec = IMAGE_MODELS[model];
    if (spec) return spec;
    throw new ValidationError(
      `Unknown image model ${model}: use one of ${Object.keys(IMAGE_MODELS).join(', ')}, or name its provider to use another model`,
      [{ field: 'model', problems: [`unknown model ${model}`] }],
    );
  }
}
