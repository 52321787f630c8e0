import {
  isJobKind,
  JOB_KINDS,
  JOB_NAMES,
  jobKindOf,
  MAX_REDIS_RECONNECT_DELAY_MS,
  redisReconnectDelayMs,
} from './queue.constants';

describe('redisReconnectDelayMs', () => {
  it('retries a lost Redis quickly at first, then every MAX_REDIS_RECONNECT_DELAY_MS however long the outage', () => {
    expect(redisReconnectDelayMs(1)).toBe(100);
    expect(redisReconnectDelayMs(5)).toBe(500);
    expect(redisReconnectDelayMs(20)).toBe(MAX_REDIS_RECONNECT_DELAY_MS);
    expect(redisReconnectDelayMs(10_000)).toBe(MAX_REDIS_RECONNECT_DELAY_MS);
  });
});

describe('job kinds', () => {
  it('keep the Bull names workers and Redis already know, and map each name back to its kind', () => {
    expect(JOB_NAMES.image_generation).toBe('generate-image');
    for (const kind of JOB_KINDS) expect(jobKindOf(JOB_NAMES[kind])).toBe(kind);
    expect(jobKindOf('sharpen-image')).toBeUndefined();
    expect(jobKindOf('upscale-image')).toBe('image_upscale');
    expect(isJobKind('image_regeneration')).toBe(true);
    expect(isJobKind('text_generation')).toBe(false);
  });
});
