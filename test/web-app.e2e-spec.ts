import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { CreativeEngineModule, loadConfig } from '../src';
import { WEB_APP_DIST } from '../src/web-app/web-app.module';
import { bearer, createTestApp, TestApp } from './support/app';
import { testEnvironment } from './support/test-env';

const INDEX = path.join(WEB_APP_DIST, 'index.html');
const errorShape = (statusCode: number, error: string) => ({
  success: false,
  statusCode,
  error,
  message: expect.any(String),
});

/** The gallery's built files come from `npm run build` (pretest); these specs read what it made. */
function builtAsset(): string {
  const match = /src="\/(assets\/[^"]+\.js)"/.exec(readFileSync(INDEX, 'utf8'));
  if (!match) throw new Error(`No script in ${INDEX}`);
  return `/${match[1]}`;
}

describe('the gallery web app served by the standalone app (WEB_APP_ENABLED, on by default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    if (!existsSync(INDEX)) throw new Error(`${INDEX} is missing: run npm run build first`);
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers / with the page, not cached, so a new build is picked up at once', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root"></div>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it("falls back to the page for the page's own routes, so they survive a reload", async () => {
    for (const route of ['/asset/7d0c2a52-9d6e-4d5e-8f3f-8f1f5d1f0c11', '/create?kind=audio', '/jobs', '/spend']) {
      const res = await t.http.get(route).expect(200);
      expect([route, res.text]).toEqual([route, readFileSync(INDEX, 'utf8')]);
    }
  });

  it('serves the hashed build files with a year-long immutable cache', async () => {
    const res = await t.http.get(builtAsset()).expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves /api, /docs, /health, /metrics and /queues their own answers', async () => {
    const missing = await t.http.get('/api/creative/no-such-thing').set(bearer('u1')).expect(404);
    expect(missing.body).toEqual(errorShape(404, 'NOT_FOUND'));
    expect((await t.http.get('/api/creative/me').set(bearer('u1')).expect(200)).body).toEqual({ userId: 'u1' });
    expect((await t.http.get('/api/creative/me').expect(401)).body).toEqual(errorShape(401, 'UNAUTHORIZED'));
    expect((await t.http.get('/docs/').expect(200)).text).toContain('swagger');
    expect((await t.http.get('/docs-json').expect(200)).body.openapi).toMatch(/^3\./);
    expect((await t.http.get('/health').expect(200)).body.status).toBe('ok');
    expect((await t.http.get('/metrics').expect(200)).text).toContain('# HELP');
    expect((await t.http.get('/queues').expect(401)).body).toEqual(errorShape(401, 'UNAUTHORIZED'));
    expect((await t.http.get('/queues/login').expect(200)).text).toContain('ADMIN_TOKEN');
  });

  it('other methods than GET still answer 405 or 404 in the error shape', async () => {
    expect((await t.http.delete('/health').expect(405)).headers.allow).toBe('GET, HEAD');
    expect((await t.http.post('/asset/x').expect(404)).body).toEqual(errorShape(404, 'NOT_FOUND'));
  });
});

describe('WEB_APP_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ WEB_APP_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('serves no page: / and the page routes are the 404 of unknown paths', async () => {
    expect((await t.http.get('/').expect(404)).body).toEqual(errorShape(404, 'NOT_FOUND'));
    await t.http.get('/create').expect(404);
    await t.http.get('/health').expect(200);
  });
});

describe('a host app importing CreativeEngineModule', () => {
  const hostWith = async (extras: { webApp?: boolean }): Promise<NestExpressApplication> => {
    @Module({
      imports: [
        CreativeEngineModule.forRootAsync({
          useFactory: () => ({ config: loadConfig(testEnvironment({ AUTH_MODE: 'header' })) }),
          ...extras,
        }),
      ],
    })
    class HostModule {}
    const app = await NestFactory.create<NestExpressApplication>(HostModule, { logger: ['error'] });
    await app.init();
    return app;
  };

  it('gets no web app unless it asks for one', async () => {
    const app = await hostWith({});
    try {
      await request(app.getHttpServer()).get('/').expect(404);
      await request(app.getHttpServer()).get('/health').expect(200);
    } finally {
      await app.close();
    }
  });

  it('gets the page at / with webApp: true', async () => {
    const app = await hostWith({ webApp: true });
    try {
      const res = await request(app.getHttpServer()).get('/jobs').expect(200);
      expect(res.text).toContain('<div id="root"></div>');
      await request(app.getHttpServer()).get('/api/creative/me').set('X-User-Id', 'h1').expect(200);
    } finally {
      await app.close();
    }
  });
});
