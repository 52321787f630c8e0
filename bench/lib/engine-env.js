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

module.exports = { BENCH_ENGINE_ENV, benchConfig };
