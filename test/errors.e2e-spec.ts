import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, TestApp, bearer } from './support/app';
import { createHostApp } from './support/host-app';

const errorShape = (statusCode: number, error: string) => ({
  success: false,
  statusCode,
  error,
  message: expect.any(String),
});

describe('error contract on engine routes', () => {
  let app: NestExpressApplication;
  const as = (user: string) => ({ 'x-host-user': user });
  beforeAll(async () => {
    app = await createHostApp();
  });
  afterAll(() => app.close());

  it('400 with details naming every invalid field; unknown fields refused', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/creative/__probe/echo')
      .set(as('u1'))
      .send({ name: '', count: 'many', isAdmin: true })
      .expect(400);
    expect(res.body).toEqual({ ...errorShape(400, 'VALIDATION_FAILED'), details: expect.any(Array) });
    const fields = res.body.details.map((detail: { field: string }) => detail.field).sort();
    expect(fields).toEqual(['count', 'isAdmin', 'name']);
  });

  it('accepts a valid body (the pipe transforms and whitelists)', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/creative/__probe/echo')
      .set(as('u1'))
      .send({ name: 'ok', count: 2 })
      .expect(201);
    expect(res.body).toEqual({ name: 'ok', count: 2, userId: 'u1' });
  });

  it('maps Prisma "record not found" to 404', async () => {
    const res = await request(app.getHttpServer())
      .get(`/api/creative/__probe/missing/${randomUUID()}`)
      .set(as('u1'))
      .expect(404);
    expect(res.body).toEqual(errorShape(404, 'NOT_FOUND'));
  });

  it('maps a Prisma unique violation to 409', async () => {
    const res = await request(app.getHttpServer())
      .post('/api/creative/__probe/duplicate')
      .set(as(`u-${randomUUID()}`))
      .expect(409);
    expect(res.body).toEqual(errorShape(409, 'CONFLICT'));
  });

  it('maps a connection the database dropped to 503 (retryable), not 500', async () => {
    const res = await request(app.getHttpServer()).get('/api/creative/__probe/db-dropped').set(as('u1')).expect(503);
    expect(res.body).toEqual(errorShape(503, 'SERVICE_UNAVAILABLE'));
    await request(app.getHttpServer()).get('/api/creative/me').set(as('u1')).expect(200);
  });

  it("405 + Allow on engine paths inside a host app too; the host's own routes keep their 404", async () => {
    const res = await request(app.getHttpServer()).put('/api/creative/__probe/echo').set(as('u1')).expect(405);
    expect(res.body).toEqual(errorShape(405, 'METHOD_NOT_ALLOWED'));
    expect(res.headers.allow).toBe('POST');
    expect((await request(app.getHttpServer()).delete(`/api/creative/template/${randomUUID()}/x`)).status).toBe(404);
    const host = await request(app.getHttpServer()).get('/host/echo');
    expect([host.status, host.headers.allow]).toEqual([404, undefined]);
  });

  it('500 with an error id and a generic message: no stack, no internal detail', async () => {
    const res = await request(app.getHttpServer()).get('/api/creative/__probe/boom').set(as('u1')).expect(500);
    expect(res.body).toEqual({
      ...errorShape(500, 'INTERNAL_ERROR'),
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(res.body.message).toContain(res.body.errorId);
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|at .*\.ts:\d+|Error:/);
  });
});

describe('error contract for requests that never reach a controller (standalone app)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT: '1kb' });
  });
  afterAll(() => t.close());

  it('unknown routes answer 404 in the error shape', async () => {
    const res = await t.http.get('/api/creative/no-such-thing').set(bearer('u1')).expect(404);
    expect(res.body).toEqual(errorShape(404, 'NOT_FOUND'));
    await t.http.delete('/nowhere').expect(404);
  });

  it('a known path with a method it does not serve answers 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const collection = await t.http.delete('/api/creative/assets').set(bearer('u1')).expect(405);
    expect(collection.body).toEqual(errorShape(405, 'METHOD_NOT_ALLOWED'));
    expect(collection.body.message).toBe('DELETE is not allowed on /api/creative/assets: use GET, HEAD');
    expect(collection.headers.allow).toBe('GET, HEAD');

    const id = randomUUID();
    const one = await t.http.put(`/api/creative/asset/${id}`).set(bearer('u1')).send({ title: 'x' }).expect(405);
    expect(one.body).toEqual(errorShape(405, 'METHOD_NOT_ALLOWED'));
    expect(one.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
    // Templates match concrete paths whatever the parameter holds, and without a token too (no route ran).
    expect((await t.http.put('/api/creative/asset/not-a-uuid').expect(405)).headers.allow).toBe(
      'GET, HEAD, PATCH, DELETE',
    );
    expect((await t.http.get(`/api/creative/asset/${id}/favorite`).expect(405)).headers.allow).toBe('POST');
    expect((await t.http.post('/api/creative/assets?limit=5').expect(405)).headers.allow).toBe('GET, HEAD');
    expect((await t.http.get('/api/creative/image/generate').expect(405)).headers.allow).toBe('POST');
    expect((await t.http.delete('/health').expect(405)).headers.allow).toBe('GET, HEAD');
  });

  it('HEAD is served wherever GET is; OPTIONS on a known path answers 204 with Allow', async () => {
    await t.http.head('/api/creative/me').set(bearer('u1')).expect(200);
    await t.http.head('/health').expect(200);
    const options = await t.http.options(`/api/creative/collection/${randomUUID()}/assets`).expect(204);
    expect(options.headers.allow).toBe('POST, DELETE');
  });

  it('unknown paths still answer 404, whatever the method', async () => {
    for (const [method, path] of [
      ['put', '/api/creative/asset/x/y/z'],
      ['delete', '/api/creative/nope'],
      ['options', '/api/creative/nope'],
      ['get', '/api/creative/assetz'],
    ] as const) {
      const res = await t.http[method](path).set(bearer('u1'));
      expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 404, undefined]);
      if (method !== 'options') expect(res.body).toEqual(errorShape(404, 'NOT_FOUND'));
    }
  });

  it('400 for a body that is not JSON', async () => {
    const res = await t.http
      .post('/api/creative/me')
      .set(bearer('u1'))
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body).toEqual(errorShape(400, 'BAD_REQUEST'));
  });

  it('bodies over the configured limit answer 413', async () => {
    const res = await t.http
      .post('/api/creative/me')
      .set(bearer('u1'))
      .send({ text: 'x'.repeat(2048) })
      .expect(413);
    expect(res.body).toEqual(errorShape(413, 'PAYLOAD_TOO_LARGE'));
  });
});
