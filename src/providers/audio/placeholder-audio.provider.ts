import type { AudioProviderName } from '../provider-names';
import type { AudioGenerationRequest } from './audio-models';
import type { AudioProvider, GeneratedSpeech } from './audio-provider';
import { renderPlaceholderSpeech } from './placeholder-speech';

/**
 * Renders a WAV of tones locally from the text (renderPlaceholderSpeech). Needs no key and costs nothing, so
 * the pipeline runs out of the box; its assets carry `metadata.placeholder: true`.
 */
export class PlaceholderAudioProvider implements AudioProvider {
  readonly name: AudioProviderName = 'placeholder';
  readonly defaultModel = 'placeholder-tts';

  isConfigured(): boolean {
    return true;
  }

  async synthesize(request: AudioGenerationRequest, signal: AbortSignal): Promise<GeneratedSpeech> {
    signal.throwIfAborted();
    return { bytes: renderPlaceholderSpeech(request.text, request.speed) };
  }
}
