import { ACTIVE_JOBS_RETRY_AFTER, activeJobsRetryAfterSeconds } from './user-limits.service';

describe('Retry-After of the active-job cap', () => {
  const now = new Date('2026-01-01T12:00:00.000Z');
  const job = (createdSecondsAgo: number, estimatedSeconds: number | null, startedSecondsAgo?: number) => ({
    createdAt: new Date(now.getTime() - createdSecondsAgo * 1000),
    startedAt: startedSecondsAgo === undefined ? null : new Date(now.getTime() - startedSecondsAgo * 1000),
    estimatedTime: estimatedSeconds === null ? null : estimatedSeconds * 1000,
  });

  it('is when the soonest active job is expected to end (started, else created, plus its estimate)', () => {
    expect(activeJobsRetryAfterSeconds([job(10, 30), job(2, 20, 1)], now)).toBe(19);
    expect(activeJobsRetryAfterSeconds([job(0, 7.2)], now)).toBe(8);
  });

  it('stays within its bounds, and without any estimate is the default', () => {
    expect(activeJobsRetryAfterSeconds([job(100, 30)], now)).toBe(ACTIVE_JOBS_RETRY_AFTER.minSeconds);
    expect(activeJobsRetryAfterSeconds([job(0, 3600)], now)).toBe(ACTIVE_JOBS_RETRY_AFTER.maxSeconds);
    expect(activeJobsRetryAfterSeconds([job(0, null), job(5, null)], now)).toBe(ACTIVE_JOBS_RETRY_AFTER.defaultSeconds);
    expect(activeJobsRetryAfterSeconds([], now)).toBe(ACTIVE_JOBS_RETRY_AFTER.defaultSeconds);
  });
});
