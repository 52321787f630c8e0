import OpenAI from 'openai';
import type { EngineConfig } from '../config/engine-config';

/** The SDK client of every OpenAI adapter but text (which routes by model, TEXT_PROVIDERS): OPENAI_* settings. */
export function openAiClient(config: EngineConfig): OpenAI {
  return new OpenAI({
    apiKey: config.openai.apiKey,
    baseURL: config.openai.baseUrl,
    organization: config.openai.organization,
    timeout: config.openai.timeoutMs,
    // The queue retries with backoff and Retry-After; retries inside the SDK would hide failures from it.
    maxRetries: 0,
  });
}
