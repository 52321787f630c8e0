import { Injectable } from '@nestjs/common';
import { ProviderNotConfiguredError } from '../../common/errors';
import { EngineConfig } from '../../config/engine-config';
import { ModelCatalogue, type SelectedModel } from '../catalogue/model-catalogue.service';
import type { ProviderAvailability } from '../catalogue/provider-availability';
import { type ProviderName, VIDEO_PROVIDER_NAMES, type VideoProviderName } from '../provider-names';
import { OpenAiVideoProvider } from './openai-video.provider';
import { PlaceholderVideoProvider } from './placeholder-video.provider';
import { GENERIC_VIDEO_MODELS, type VideoModelSpec } from './video-models';
import type { VideoProvider } from './video-provider';

const OPENAI_SETUP_HINT =
  'set OPENAI_API_KEY (and OPENAI_VIDEO_BASE_URL or OPENAI_BASE_URL for another OpenAI-compatible endpoint)';

export interface ResolvedVideoModel extends Omit<SelectedModel<VideoModelSpec>, 'provider'> {
  provider: VideoProvider;
}

/**
 * Picks the video provider for a request: the one named, else the one serving the named model, else the
 * default (VIDEO_DEFAULT_PROVIDER, or openai when OPENAI_API_KEY is set, else placeholder).
 */
@Injectable()
export class VideoProviderRegistry implements ProviderAvailability {
  readonly kind = 'video';
  private readonly providers: Record<VideoProviderName, VideoProvider>;

  constructor(
    private readonly config: EngineConfig,
    private readonly catalogue: ModelCatalogue,
  ) {
    this.providers = { openai: new OpenAiVideoProvider(config), placeholder: new PlaceholderVideoProvider() };
  }

  isProviderName(name: string): name is VideoProviderName {
    return (VIDEO_PROVIDER_NAMES as readonly string[]).includes(name);
  }

  get(name: VideoProviderName): VideoProvider {
    return this.providers[name];
  }

  defaultProvider(): VideoProvider {
    const configured = this.config.videoGeneration.defaultProvider;
    if (configured) return this.providers[configured];
    return this.providers.openai.isConfigured() ? this.providers.openai : this.providers.placeholder;
  }

  isConfigured(provider: ProviderName): boolean {
    return this.isProviderName(provider) && this.providers[provider].isConfigured();
  }

  isDefaultModel(provider: ProviderName, model: string): boolean {
    return this.isProviderName(provider) && this.providers[provider].defaultModel === model;
  }

  /**
   * The provider and the rules of the model a request names (ModelCatalogue.select). Credentials are not
   * checked here (see assertConfigured), so a request's every problem is found before a missing key is reported.
   */
  resolve(selection: { provider?: VideoProviderName; model?: string }): ResolvedVideoModel {
    const provider = selection.provider
      ? this.providers[selection.provider]
      : selection.model
        ? this.servingProvider(selection.model)
        : this.defaultProvider();
    const selected = this.catalogue.select({
      kind: 'video',
      provider: provider.name,
      model: selection.model ?? provider.defaultModel,
      generic: GENERIC_VIDEO_MODELS[provider.name],
    });
    return { ...selected, provider };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: VideoProvider): void {
    if (provider.isConfigured()) return;
    throw new ProviderNotConfiguredError(
      `Video provider ${provider.name} is not configured on this server (no API key): ${OPENAI_SETUP_HINT}`,
    );
  }

  private servingProvider(model: string): VideoProvider {
    const name = this.catalogue.providerOf('video', model);
    if (this.isProviderName(name)) return this.providers[name];
    // The catalogue may list a video model at a provider with no video adapter (an override).
    throw new ProviderNotConfiguredError(`Video model ${model} is served by ${name}, which has no video adapter here`);
  }
}
