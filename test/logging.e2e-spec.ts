import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { RequestLoggingMiddleware } from '../src/logging/request-logging.middleware';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { waitFor } from './support/image-jobs';

/**
 * The standalone service's JSON logs, caught through a pino destination. In a file of its own: nestjs-pino
 * keeps one pino-http per process (per Jest test file), set up by the first app, so this app must be the first.
 * Worker lines (job id and kind) are checked on a worker process in test/operations.e2e-spec.ts.
 */
describe('logs', () => {
  let t: TestApp;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestApp(
      { WORKER_ENABLED: 'false', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ops-logs`, LOG_LEVEL: 'log' },
      { logDestination: destination },
    );
  });
  afterAll(() => t?.close());

  it('writes one JSON line per request with its id, echoed in X-Request-Id and in error answers', async () => {
    const ok = await t.http.get(`${BASE}/me`).set(bearer('logged-user')).expect(200);
    const id = ok.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitFor(() => lines.find((entry) => entry.reqId === id), 'the request line');
    expect(line).toMatchObject({ level: 30, req: { method: 'GET', path: `${BASE}/me` }, res: { statusCode: 200 } });
    expect(JSON.stringify(line)).not.toContain('Bearer');

    const failed = await t.http
      .get(`${BASE}/asset/not-a-uuid`)
      .set(bearer('logged-user'))
      .set('X-Request-Id', 'trace-42.abc')
      .expect(400);
    expect(failed.headers['x-request-id']).toBe('trace-42.abc');
    // The body keeps the contract's exact error shape; the id is in the header.
    expect(Object.keys(failed.body as object).sort()).toEqual(['details', 'error', 'message', 'statusCode', 'success']);
    await waitFor(() => lines.find((entry) => entry.reqId === 'trace-42.abc' && entry.level === 40), 'the 400 line');

    const forged = await t.http.get(`${BASE}/me`).set('X-Request-Id', 'x'.repeat(129)).expect(401);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the request on every line written while it is handled, after awaits too, and no line outside it', async () => {
    const middleware = t.app.get(RequestLoggingMiddleware);
    const probe = new Logger('Probe');
    const server = createServer((request, response) =>
      middleware.use(request as never, response as never, () => {
        probe.warn('while handling');
        setTimeout(() => {
          probe.warn('after a timer');
          response.end('done');
        }, 5);
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const [first, second] = await Promise.all([1, 2].map(() => fetch(`http://127.0.0.1:${port}/probe?sig=x`)));
      for (const answer of [first, second]) {
        const reqId = answer.headers.get('x-request-id');
        await waitFor(() => lines.find((entry) => entry.reqId === reqId && entry.msg === 'request completed'), 'line');
        expect(lines.filter((entry) => entry.reqId === reqId).map((entry) => entry.msg)).toEqual([
          'while handling',
          'after a timer',
          'request completed',
        ]);
      }
    } finally {
      server.close();
    }
    // Outside any request, a line names none.
    probe.warn('outside');
    await waitFor(() => lines.find((entry) => entry.msg === 'outside'), 'the outside line');
    expect(lines.find((entry) => entry.msg === 'outside')).not.toHaveProperty('reqId');
  });

  it('leaves query strings out: a signed link is a credential', async () => {
    await t.http.get(`${BASE}/signed/asset/00000000-0000-4000-8000-000000000000/file?expires=1&sig=secret-sig`);
    await waitFor(() => lines.find((entry) => (entry.req as { path?: string })?.path?.includes('/signed/')), 'line');
    expect(JSON.stringify(lines)).not.toContain('secret-sig');
  });
});
