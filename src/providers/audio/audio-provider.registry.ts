import { Injectable } from '@nestjs/common';
import { ProviderNotConfiguredError } from '../../common/errors';
import { EngineConfig } from '../../config/engine-config';
import type { ProviderAvailability } from '../catalogue/provider-availability';
import { ModelCatalogue, type SelectedModel } from '../catalogue/model-catalogue.service';
import { AUDIO_PROVIDER_NAMES, type AudioProviderName, type ProviderName } from '../provider-names';
import { GENERIC_AUDIO_MODELS, type AudioModelSpec } from './audio-models';
import type { AudioProvider } from './audio-provider';
import { OpenAiAudioProvider } from './openai-audio.provider';
import { PlaceholderAudioProvider } from './placeholder-audio.provider';

/** What to set for each provider that needs credentials, named in its 503. */
export const AUDIO_PROVIDER_SETUP_HINTS: Record<Exclude<AudioProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
};

export interface ResolvedAudioModel extends Omit<SelectedModel<AudioModelSpec>, 'provider'> {
  provider: AudioProvider;
}

const isAudioProviderName = (name: ProviderName): name is AudioProviderName =>
  (AUDIO_PROVIDER_NAMES as readonly string[]).includes(name);

/**
 * Picks the text-to-speech provider for a request: the one named, else the one serving the named model, else
 * the default (AUDIO_DEFAULT_PROVIDER, or openai when OPENAI_API_KEY is set, else placeholder).
 */
@Injectable()
export class AudioProviderRegistry implements ProviderAvailability {
  readonly kind = 'audio';
  private readonly providers: Record<AudioProviderName, AudioProvider>;

  constructor(
    private readonly config: EngineConfig,
    private readonly catalogue: ModelCatalogue,
  ) {
    this.providers = { openai: new OpenAiAudioProvider(config), placeholder: new PlaceholderAudioProvider() };
  }

  defaultProvider(): AudioProvider {
    const configured = this.config.audioGeneration.defaultProvider;
    if (configured) return this.providers[configured];
    return this.providers.openai.isConfigured() ? this.providers.openai : this.providers.placeholder;
  }

  isConfigured(provider: ProviderName): boolean {
    return isAudioProviderName(provider) && this.providers[provider].isConfigured();
  }

  isDefaultModel(provider: ProviderName, model: string): boolean {
    return isAudioProviderName(provider) && this.providers[provider].defaultModel === model;
  }

  /**
   * The provider and the rules of the model a request names (ModelCatalogue.select). Credentials are not
   * checked here (see assertConfigured), so a request's every problem is found before a missing key is reported.
   */
  resolve(selection: { provider?: AudioProviderName; model?: string }): ResolvedAudioModel {
    // The catalogue gives audio models only to providers with an audio adapter (its overrides are checked at boot).
    const provider = selection.provider
      ? this.providers[selection.provider]
      : selection.model
        ? this.providers[this.catalogue.providerOf('audio', selection.model) as AudioProviderName]
        : this.defaultProvider();
    const selected = this.catalogue.select({
      kind: 'audio',
      provider: provider.name,
      model: selection.model ?? provider.defaultModel,
      generic: GENERIC_AUDIO_MODELS[provider.name],
    });
    return { ...selected, provider };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: AudioProvider): void {
    if (provider.isConfigured()) return;
    const hint = provider.name === 'placeholder' ? undefined : AUDIO_PROVIDER_SETUP_HINTS[provider.name];
    throw new ProviderNotConfiguredError(
      `Audio provider ${provider.name} is not configured on this server (no API key)${hint ? `: ${hint}` : ''}`,
    );
  }
}
