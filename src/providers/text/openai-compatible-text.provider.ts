import OpenAI from 'openai';
import { ProviderError } from '../../common/errors';
import { httpFailure } from '../provider-failures';
import type { TextEndpointConfig } from './text-provider-config';
import type { TextCompletion, TextCompletionRequest, TextProvider } from './text-provider';

// Error codes OpenAI, Azure OpenAI and compatible gateways use for a request refused by a safety system.
const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const CONTENT_POLICY_CODES = new Set(['content_policy_violation', 'content_filter', 'moderation_blocked']);

/**
 * Chat completions on any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Anthropic's compatibility
 * endpoint, Ollama, vLLM, OpenRouter…) through the official SDK. The SDK retries 408/409/429/5xx, timeouts
 * and connection errors up to the endpoint's maxRetries, with backoff and honouring Retry-After.
 */
export class OpenAiCompatibleTextProvider implements TextProvider {
  private client?: OpenAI;

  constructor(private readonly endpoint: TextEndpointConfig) {}

  get name(): string {
    return this.endpoint.name;
  }

  async complete(request: TextCompletionRequest): Promise<TextCompletion> {
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await this.sdk().chat.completions.create(toChatParams(request));
    } catch (error) {
      throw this.failure(error);
    }
    const choice = completion.choices?.[0];
    if (!choice) throw new ProviderError(`${this.name} answered without any choice`, true, { provider: this.name });
    if (choice.message.refusal) throw this.refusal(choice.message.refusal);
    if (choice.finish_reason === 'content_filter') throw this.refusal('the answer was withheld by its content filter');
    const usage = completion.usage;
    return {
      provider: this.name,
      model: completion.model || request.model,
      text: choice.message.content ?? '',
      usage: usage
        ? {
            inputTokens: usage.prompt_tokens,
            outputTokens: usage.completion_tokens,
            cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
            totalTokens: usage.total_tokens,
          }
        : null,
      finishReason: choice.finish_reason ?? null,
    };
  }

  private refusal(reason: string): ProviderError {
    return new ProviderError(`${this.name} refused the request under its content policy: ${reason}`, false, {
      provider: this.name,
      code: 'CONTENT_POLICY_VIOLATION',
    });
  }

  private failure(error: unknown): ProviderError {
    if (error instanceof OpenAI.APIConnectionTimeoutError) {
      return new ProviderError(`${this.name} did not answer within ${this.endpoint.timeoutMs} ms`, true, {
        provider: this.name,
        cause: error,
      });
    }
    if (error instanceof OpenAI.APIConnectionError) {
      return new ProviderError(`${this.name} could not be reached: ${error.message}`, true, {
        provider: this.name,
        cause: error,
      });
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const message = (error.error as { message?: string } | undefined)?.message ?? error.message;
      if (CONTENT_POLICY_CODES.has(String(error.code))) return this.refusal(message);
      return httpFailure(this.name, error.status, message, { headers: error.headers, cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError(`${this.name} sent an unreadable answer: ${message}`, true, {
      provider: this.name,
      cause: error,
    });
  }

  private sdk(): OpenAI {
    this.client ??= new OpenAI({
      apiKey: this.endpoint.apiKey,
      // Never the process environment (the SDK falls back to OPENAI_BASE_URL etc.): each endpoint is explicit.
      baseURL: this.endpoint.baseUrl ?? OPENAI_BASE_URL,
      organization: this.endpoint.organization ?? null,
      project: null,
      timeout: this.endpoint.timeoutMs,
      maxRetries: this.endpoint.maxRetries,
    });
    return this.client;
  }
}

/** The chat completions body: only what was asked for, so compatible endpoints see a minimal request. */
export function toChatParams(request: TextCompletionRequest): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  return {
    model: request.model,
    messages: request.messages,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxOutputTokens !== undefined && { max_completion_tokens: request.maxOutputTokens }),
    ...(request.structuredOutput && {
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: request.structuredOutput.name,
          ...(request.structuredOutput.description && { description: request.structuredOutput.description }),
          schema: request.structuredOutput.schema,
          strict: true,
        },
      },
    }),
  };
}
