import { bearer, createTestApp, TestApp, tokenFor } from './support/app';

describe('foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('health reports up', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });

  it('me with token', async () => {
    const res = await t.http.get('/api/creative/me').set(bearer('user-1')).expect(200);
    expect(res.body).toEqual({ userId: 'user-1' });
    expect(tokenFor('x')).toBeTruthy();
  });
});
