import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';

/** Every problem of a request in one 400, before any 503; bodies keep their JSON types; dates of any year. */
describe('request validation: all problems at once, in the right order', () => {
  let t: TestApp;
  const user = newUserId('validation');

  beforeAll(async () => {
    // openai has no key here: its requests must still be checked in full before the 503.
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-validation`,
      OPENAI_API_KEY: '',
      IMAGE_DEFAULT_PROVIDER: 'openai',
    });
  });
  afterAll(() => t?.close());

  const generate = (body: Record<string, unknown>) =>
    t.http.post(`${BASE}/image/generate`).set(bearer(user)).send(body);
  const fields = (body: { details?: { field: string }[] }) => (body.details ?? []).map((detail) => detail.field).sort();

  it('reports n, size and quality together, for the default model of an unconfigured provider, instead of a 503', async () => {
    const res = await generate({ prompt: 'A lighthouse', n: 11, size: '999x999', quality: 'ultra' }).expect(400);
    expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
    expect(fields(res.body)).toEqual(['n', 'quality', 'size']);
  });

  it('answers the 503 naming the variables only for a request that is otherwise valid', async () => {
    const res = await generate({ prompt: 'A lighthouse', provider: 'openai', size: '1024x1024' }).expect(503);
    expect(res.body).toMatchObject({
      error: 'PROVIDER_NOT_CONFIGURED',
      message: expect.stringContaining('OPENAI_API_KEY'),
    });
  });

  it('names the provider that serves a model given with another provider, instead of applying the other rules', async () => {
    const res = await generate({
      prompt: 'A lighthouse',
      provider: 'placeholder',
      model: 'gpt-image-2',
      size: '1024x1024',
    }).expect(400);
    expect(fields(res.body)).toEqual(['model']);
    expect(res.body.message).toContain('served by provider openai');
  });

  it('does not coerce JSON strings to numbers in bodies, while query strings still are', async () => {
    const res = await generate({ prompt: 'A lighthouse', provider: 'placeholder', n: '3', priority: '1' }).expect(400);
    expect(fields(res.body)).toEqual(['n', 'priority']);
    await t.http.get(`${BASE}/assets`).query({ limit: '3' }).set(bearer(user)).expect(200);
  });

  it('accepts ISO 8601 dates before year 100 as createdFrom/createdTo', async () => {
    const asset = assetRow(user, { createdAt: new Date('0050-06-15T00:00:00Z') });
    await t.prisma.creativeAsset.createMany({ data: [asset] as never });
    const res = await t.http
      .get(`${BASE}/assets`)
      .query({ createdFrom: '0050-01-01', createdTo: '0099-12-31T23:59:59Z' })
      .set(bearer(user))
      .expect(200);
    expect(res.body.items.map((item: { id: string }) => item.id)).toEqual([asset.id]);
    await t.http
      .get(`${BASE}/assets/stats`)
      .query({ createdFrom: '0001-01-01T00:00:00Z' })
      .set(bearer(user))
      .expect(200);
    await t.http.get(`${BASE}/assets`).query({ createdFrom: '0050-02-30' }).set(bearer(user)).expect(400);
  });
});
