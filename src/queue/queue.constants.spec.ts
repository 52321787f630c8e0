import { MAX_REDIS_RECONNECT_DELAY_MS, redisReconnectDelayMs } from './queue.constants';

describe('redisReconnectDelayMs', () => {
  it('retries a lost Redis quickly at first, then every MAX_REDIS_RECONNECT_DELAY_MS however long the outage', () => {
    expect(redisReconnectDelayMs(1)).toBe(100);
    expect(redisReconnectDelayMs(5)).toBe(500);
    expect(redisReconnectDelayMs(20)).toBe(MAX_REDIS_RECONNECT_DELAY_MS);
    expect(redisReconnectDelayMs(10_000)).toBe(MAX_REDIS_RECONNECT_DELAY_MS);
  });
});
