import { ProviderError } from '../common/errors';

/** Why a provider call failed, as a bounded label (never the message, which may carry ids or prompts). */
export type ProviderErrorKind =
  'rate_limited' | 'content_policy' | 'server_error' | 'rejected' | 'no_answer' | 'not_configured' | 'unexpected';

export function providerErrorKind(error: unknown): ProviderErrorKind {
  if (!(error instanceof ProviderError)) return 'unexpected';
  if (error.code === 'CONTENT_POLICY_VIOLATION') return 'content_policy';
  if (error.code === 'PROVIDER_NOT_CONFIGURED') return 'not_configured';
  if (error.retryAfterMs !== undefined || /\bHTTP 429\b/.test(error.message)) return 'rate_limited';
  // Answered with an error status: worth another try (5xx, 408, 409) or not (invalid request, auth).
  if (error.refused) return error.retryable ? 'server_error' : 'rejected';
  return error.retryable ? 'no_answer' : 'rejected';
}
