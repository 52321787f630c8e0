import { ProviderError, ServiceUnavailableError, ValidationError } from '../common/errors';
import { toProviderFailure } from './generation-job.processor';

describe('toProviderFailure: whether a failed attempt is worth another', () => {
  it('keeps a provider failure as it is', () => {
    const failure = new ProviderError('rate limited', true, { retryAfterMs: 1000 });
    expect(toProviderFailure(failure)).toBe(failure);
  });

  it('makes another domain error permanent, keeping its code', () => {
    const failure = toProviderFailure(new ValidationError('the stored mask is not a PNG'));
    expect(failure).toMatchObject({ retryable: false, code: 'VALIDATION_FAILED' });
  });

  it('retries when the database dropped the connection', () => {
    const dropped = new ServiceUnavailableError('The database is unavailable or dropped the connection');
    expect(toProviderFailure(dropped)).toMatchObject({ retryable: true, cause: dropped });
  });

  it('retries anything unexpected', () => {
    expect(toProviderFailure(new Error('EIO: write failed'))).toMatchObject({
      retryable: true,
      message: 'Unexpected error: EIO: write failed',
    });
  });
});
