/**
 * The text capability: one chat-style completion. Implementations speak to one endpoint and throw
 * ProviderError for every failed call (retryable or not; CONTENT_POLICY_VIOLATION for refusals).
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Ask for JSON matching a schema (OpenAI structured outputs, strict mode). The caller still validates the answer. */
export interface StructuredOutput {
  /** a-z, A-Z, 0-9, `_` and `-`, at most 64 characters. */
  name: string;
  description?: string;
  schema: Record<string, unknown>;
}

export interface TextCompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** Sent only when set: reasoning models refuse any value but their default. */
  temperature?: number;
  maxOutputTokens?: number;
  structuredOutput?: StructuredOutput;
}

export interface TextUsage {
  inputTokens: number;
  outputTokens: number;
  /** Part of inputTokens served from the provider's prompt cache. */
  cachedInputTokens: number;
  totalTokens: number;
}

export interface TextCompletion {
  /** The endpoint's configured name (e.g. "openai", "anthropic"). */
  provider: string;
  /** The model as the endpoint reported it. */
  model: string;
  text: string;
  /** Null when the endpoint reported none (the cost is then unknown). */
  usage: TextUsage | null;
  finishReason: string | null;
}

export interface TextProvider {
  readonly name: string;
  complete(request: TextCompletionRequest): Promise<TextCompletion>;
}
