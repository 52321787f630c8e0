import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * One test run's isolated resources: a fresh database, a Redis key prefix and a storage folder, all
 * named by a run id. Set by global-setup in process.env (inherited by Jest's workers), read by the specs.
 */
export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

export function newRunId(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function adminDatabaseUrl(): string {
  return process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrlFor(databaseName: string): string {
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${databaseName}`;
  return url.toString();
}

export function runEnvironment(runId: string): Record<string, string> {
  return {
    CE_TEST_RUN_ID: runId,
    DATABASE_URL: databaseUrlFor(`ce_test_${runId}`),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `ce-test-${runId}`,
    STORAGE_DIR: path.join(os.tmpdir(), `ce-test-${runId}`, 'storage'),
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'error',
  };
}

/** The environment the app under test is configured from: the run's resources plus a spec's overrides. */
export function testEnvironment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const runId = process.env.CE_TEST_RUN_ID;
  if (!runId) throw new Error('CE_TEST_RUN_ID is not set: run the tests through jest (global-setup)');
  return { ...runEnvironment(runId), ...overrides };
}
