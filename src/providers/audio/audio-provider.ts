import type { AudioProviderName } from '../provider-names';
import type { AudioGenerationRequest } from './audio-models';

export interface GeneratedSpeech {
  /** The encoded audio as the provider produced it, in the requested format. */
  bytes: Buffer;
}

/** One text-to-speech backend. Implementations throw ProviderError (retryable or not) for every failed call. */
export interface AudioProvider {
  readonly name: AudioProviderName;
  /** The model used when a request names this provider but no model. */
  readonly defaultModel: string;
  /** Whether credentials are configured; an unconfigured provider answers 503 at request time. */
  isConfigured(): boolean;
  /** `request` is already validated against its model's rules; `signal` aborts the call when the job's time is up. */
  synthesize(request: AudioGenerationRequest, signal: AbortSignal): Promise<GeneratedSpeech>;
}
