import { ProviderError, ValidationError } from '../common/errors';
import { httpFailure } from '../providers/provider-failures';
import { providerErrorKind } from './provider-error-kind';

describe('providerErrorKind', () => {
  it.each([
    ['a 429', httpFailure('openai', 429, 'slow down'), 'rate_limited'],
    ['a 503', httpFailure('openai', 503, 'overloaded'), 'server_error'],
    ['a 400', httpFailure('openai', 400, 'bad size'), 'rejected'],
    ['a content-policy refusal', httpFailure('openai', 400, 'no', { contentPolicy: true }), 'content_policy'],
    ['a timeout', new ProviderError('openai did not answer in time', true), 'no_answer'],
    ['a missing key', new ProviderError('no key', false, { code: 'PROVIDER_NOT_CONFIGURED' }), 'not_configured'],
    ['a domain error', new ValidationError('bad'), 'unexpected'],
    ['anything else', new Error('boom'), 'unexpected'],
  ])('%s → %s', (_name, error, kind) => {
    expect(providerErrorKind(error)).toBe(kind);
  });
});
