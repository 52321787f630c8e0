import { Injectable } from '@nestjs/common';
import { EngineConfig } from '../../config/engine-config';
import { KindProviderRegistry } from '../catalogue/kind-provider-registry';
import { ModelCatalogue } from '../catalogue/model-catalogue.service';
import type { AudioProviderName } from '../provider-names';
import { GENERIC_AUDIO_MODELS } from './audio-models';
import type { AudioProvider } from './audio-provider';
import { OpenAiAudioProvider } from './openai-audio.provider';
import { PlaceholderAudioProvider } from './placeholder-audio.provider';

/** What to set for each provider that needs credentials, named in its 503. */
export const AUDIO_PROVIDER_SETUP_HINTS: Record<Exclude<AudioProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
};

/**
 * Picks the text-to-speech provider for a request: the one named, else the one serving the named model, else
 * the default (AUDIO_DEFAULT_PROVIDER, or openai when OPENAI_API_KEY is set, else placeholder).
 */
@Injectable()
export class AudioProviderRegistry extends KindProviderRegistry<'audio', AudioProviderName, AudioProvider> {
  constructor(config: EngineConfig, catalogue: ModelCatalogue) {
    super(catalogue, {
      kind: 'audio',
      label: 'Audio',
      adapters: { openai: new OpenAiAudioProvider(config), placeholder: new PlaceholderAudioProvider() },
      generic: GENERIC_AUDIO_MODELS,
      setupHints: AUDIO_PROVIDER_SETUP_HINTS,
      configuredDefault: config.audioGeneration.defaultProvider,
      defaultOrder: ['openai', 'placeholder'],
    });
  }
}
