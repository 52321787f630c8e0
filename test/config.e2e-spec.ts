import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigValidationError, EnvironmentVariables, loadConfig } from '../src/config/engine-config';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'a-test-secret-that-is-long-enough-000';

function configError(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration validated at boot', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      auth: { mode: 'jwt', jwtSecret: SECRET },
      worker: { enabled: true },
      storageDir: './storage',
    });
  });

  it('names every missing or invalid variable in one error', () => {
    const error = configError({
      PORT: 'eighty',
      REDIS_URL: 'http://not-redis',
      DATABASE_URL: 'mysql://x',
      WORKER_ENABLED: 'maybe',
      AUTH_MODE: 'jwt',
    });
    const named = ['PORT', 'REDIS_URL', 'DATABASE_URL', 'WORKER_ENABLED', 'AUTH_JWT_SECRET'];
    for (const variable of named) expect(error.message).toContain(variable);
    expect(error.problems.length).toBeGreaterThanOrEqual(named.length);
  });

  it('requires a strong JWT secret only in jwt mode', () => {
    expect(configError({ AUTH_JWT_SECRET: 'short' }).message).toContain('AUTH_JWT_SECRET must be at least 32 characters');
    expect(loadConfig({ AUTH_MODE: 'header' }).auth.mode).toBe('header');
  });

  it('the service exits non-zero with that message before listening', () => {
    const main = path.join(ROOT, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error('dist/main.js is missing: `npm test` builds it first (pretest)');
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'node'), [main], {
      env: { PATH: process.env.PATH, PORT: '99999', AUTH_MODE: 'jwt', REDIS_URL: 'nope' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const output = result.stdout + result.stderr;
    for (const variable of ['PORT', 'REDIS_URL', 'AUTH_JWT_SECRET']) expect(output).toContain(variable);
    expect(output).not.toContain('Listening on');
  });
});

describe('.env.example', () => {
  const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  const documented = new Map(
    [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [name, value.trim()]),
  );
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;

  it('documents every variable the service reads, and nothing else', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaults).sort());
  });

  it('shows each default as the service applies it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      if (value !== undefined) expect(`${name}=${documented.get(name)}`).toBe(`${name}=${String(value)}`);
    }
  });
});
