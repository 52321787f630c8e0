import type { NestExpressApplication } from '@nestjs/platform-express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/bootstrap';
import { API_BASE_PATH } from '../../src/common/api-path';
import { EngineConfig, loadConfig } from '../../src/config/engine-config';
import { PrismaService } from '../../src/prisma/prisma.service';
import { TEST_JWT_SECRET, testEnvironment } from './test-env';
import type { AppModuleOptions } from '../../src/app.module';

/** The engine's route prefix, as clients write it. */
export const BASE = `/${API_BASE_PATH}`;

export interface TestApp {
  app: NestExpressApplication;
  config: EngineConfig;
  prisma: PrismaService;
  http: TestAgent;
  close(): Promise<void>;
}

/** Boots the real service (same wiring as main.ts) against this run's database, Redis prefix and storage. */
export async function createTestApp(
  overrides: Record<string, string | undefined> = {},
  options: AppModuleOptions = {},
): Promise<TestApp> {
  const config = loadConfig(testEnvironment(overrides));
  const app = await createApp(config, options);
  await app.init();
  return {
    app,
    config,
    prisma: app.get(PrismaService),
    http: request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** A valid HS256 bearer token for `userId` (options override claims or signing for negative tests). */
export function tokenFor(userId: string, options: jwt.SignOptions = {}, secret = TEST_JWT_SECRET): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', subject: userId, expiresIn: '1h', ...options });
}

export function bearer(userId: string): { Authorization: string } {
  return { Authorization: `Bearer ${tokenFor(userId)}` };
}
