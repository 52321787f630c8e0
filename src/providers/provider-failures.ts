import OpenAI from 'openai';
import { ProviderError } from '../common/errors';

/** Retry-After as milliseconds: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const millis = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(millis) && millis >= 0) return millis;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Maps an HTTP failure to a ProviderError: 408, 409, 429 and 5xx are worth retrying; other 4xx (invalid
 * request, auth, content policy) are not.
 */
export function httpFailure(
  provider: string,
  status: number,
  message: string,
  options: { headers?: Headers; contentPolicy?: boolean; cause?: unknown } = {},
): ProviderError {
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  return new ProviderError(`${provider} answered HTTP ${status}: ${message}`, retryable && !options.contentPolicy, {
    provider,
    cause: options.cause,
    retryAfterMs: status === 429 ? retryAfterMs(options.headers) : undefined,
    code: options.contentPolicy ? 'CONTENT_POLICY_VIOLATION' : undefined,
    refused: true,
  });
}

/** Any error the OpenAI SDK throws, as a ProviderError. `timedOut` tells our abort apart from a caller's. */
export function openAiFailure(error: unknown, timedOut: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ProviderError(timedOut ? 'openai did not answer in time' : 'openai call aborted', true, {
      provider: 'openai',
      cause: error,
    });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError(`openai could not be reached: ${error.message}`, true, {
      provider: 'openai',
      cause: error,
    });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const message = (error.error as { message?: string } | undefined)?.message ?? error.message;
    return httpFailure('openai', error.status, message, {
      headers: error.headers,
      contentPolicy: error.code === 'content_policy_violation' || error.code === 'moderation_blocked',
      cause: error,
    });
  }
  // Anything else is an answer we could not read (truncated or malformed JSON): another try may work.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`openai sent an unreadable answer: ${message}`, true, { provider: 'openai', cause: error });
}
