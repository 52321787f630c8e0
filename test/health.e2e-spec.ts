import { createTestApp } from './support/app';

describe('GET /health', () => {
  it('200 when PostgreSQL and Redis answer', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http.get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
    } finally {
      await t.close();
    }
  });

  it('503 naming Redis when Redis is unreachable, while the database is up', async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    const t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toEqual({
        success: false,
        statusCode: 503,
        error: 'SERVICE_UNAVAILABLE',
        message: 'Unhealthy: redis is down',
        details: [{ field: 'redis', problems: ['redis is down'] }],
      });
    } finally {
      await t.close();
    }
  });

  it('503 naming the database when PostgreSQL is unreachable', async () => {
    const t = await createTestApp({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' });
    try {
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toMatchObject({
        message: 'Unhealthy: database is down',
        details: [{ field: 'database', problems: ['database is down'] }],
      });
    } finally {
      await t.close();
    }
  });
});
