import type OpenAI from 'openai';
import type { EngineConfig } from '../../config/engine-config';
import { openAiClient } from '../openai-client';
import { openAiFailure } from '../provider-failures';
import type { AudioProviderName } from '../provider-names';
import type { AudioGenerationRequest } from './audio-models';
import type { AudioProvider, GeneratedSpeech } from './audio-provider';

/** OpenAI's speech endpoint (POST /v1/audio/speech), or any compatible one (OPENAI_BASE_URL). */
export class OpenAiAudioProvider implements AudioProvider {
  readonly name: AudioProviderName = 'openai';
  private client?: OpenAI;

  constructor(private readonly config: EngineConfig) {}

  get defaultModel(): string {
    return this.config.audioGeneration.openaiModel;
  }

  isConfigured(): boolean {
    return Boolean(this.config.openai.apiKey);
  }

  async synthesize(request: AudioGenerationRequest, signal: AbortSignal): Promise<GeneratedSpeech> {
    this.client ??= openAiClient(this.config);
    try {
      const response = await this.client.audio.speech.create(toSpeechParams(request), { signal });
      return { bytes: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      throw openAiFailure(error, signal.aborted);
    }
  }
}

/** The speech body; `instructions` and `speed` only when given (the request was checked against the model). */
export function toSpeechParams(request: AudioGenerationRequest): OpenAI.Audio.SpeechCreateParams {
  return {
    model: request.model,
    voice: request.voice,
    input: request.text,
    response_format: request.format,
    ...(request.instructions !== undefined && { instructions: request.instructions }),
    ...(request.speed !== undefined && { speed: request.speed }),
  };
}
