'use strict';

const { loadConfig } = require('../../dist/config/engine-config');

/**
 * How every benchmark process runs the engine: users named by `X-User-Id` (AUTH_MODE=header), which has no
 * JWT secret to derive the signed-link key from, so one is given.
 */
const BENCH_ENGINE_ENV = {
  AUTH_MODE: 'header',
  SIGNED_URL_SECRET: 'bench-signed-url-secret-0123456789abcdef',
};

/** The engine's configuration as the benchmarked service sees it, with `overrides`. */
function benchConfig(overrides = {}) {
  return loadConfig({ ...BENCH_ENGINE_ENV, ...overrides });
}

/**
 * The environment of the benchmarked service: API and worker in one process (the default deployment), the
 * placeholder provider, its own queue prefix and storage directory, logs at warn.
 */
function benchServiceEnv({ databaseUrl, redisUrl, queuePrefix, storageDir }) {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    ...BENCH_ENGINE_ENV,
    LOG_LEVEL: 'warn',
    STORAGE_DIR: storageDir,
    WORKER_ENABLED: 'true',
    IMAGE_DEFAULT_PROVIDER: 'placeholder',
    // One user sends all the load: the per-user limits stay on (their Redis counter is part of every request)
    // but high enough never to refuse, and the active-jobs cap is off so the queue can fill.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_GENERATE_PER_MINUTE: '1000000',
    USER_MAX_ACTIVE_JOBS: '0',
    NODE_ENV: 'production',
    // As `npm run start:prod` and `start:worker` start it: glibc's malloc with one arena, so the native
    // buffers of large images are reused instead of spread over an arena per thread, and a fixed mmap
    // threshold, so a freed pixel buffer goes back to the system (glibc's own threshold rises to the size
    // of the first large buffer freed, and every later one then stays in the heap).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '1',
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '1048576',
  };
}

module.exports = { benchConfig, benchServiceEnv };
