import { randomUUID } from 'node:crypto';
import { BASE as API, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, collectionRow, jobRow, newUserId, templateRow } from './support/factories';

const ID = randomUUID();
const NOW = '2026-01-01T00:00:00.000Z';
const cursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

/** Malformed cursors of every kind for a list whose cursor is `valid` (each case changes one thing). */
function malformed(
  valid: unknown[],
  { datePosition, idPosition }: { datePosition?: number; idPosition: number },
): [string, string][] {
  const replace = (position: number, value: unknown) =>
    cursor(valid.map((entry, index) => (index === position ? value : entry)));
  return [
    ['bad base64', '%%%not-base64%%%'],
    ['base64 of no JSON', Buffer.from('not json at all').toString('base64url')],
    ['not an array', cursor({ createdAt: NOW, id: ID })],
    ['too short', cursor(valid.slice(1))],
    ['too long', cursor([...valid, ID])],
    ['wrong types', cursor(valid.map(() => ({ nested: true })))],
    ...(datePosition === undefined
      ? []
      : ([
          ['not a date', replace(datePosition, 'not a date')],
          ['a number for a date', replace(datePosition, 1767225600000)],
        ] as [string, string][])),
    ['not a uuid', replace(idPosition, 'nope')],
    ['null id', replace(idPosition, null)],
  ];
}

describe('malformed keyset cursors are a 400 on every list route', () => {
  let t: TestApp;
  const owner = newUserId('cursor');

  beforeAll(async () => {
    t = await createTestApp();
    // A few rows per list, so a well-formed cursor would have something to continue from.
    await t.prisma.creativeAsset.createMany({
      data: [assetRow(owner), ...[1, 2].map(() => assetRow(owner, { type: 'image', mimeType: 'image/png' }))] as never,
    });
    await t.prisma.assetCollection.createMany({ data: [collectionRow(owner), collectionRow(owner)] as never });
    await t.prisma.generationJob.createMany({ data: [jobRow(owner), jobRow(owner)] as never });
    await t.prisma.creativeTemplate.createMany({ data: [templateRow(owner), templateRow(owner)] as never });
  });
  afterAll(() => t.close());

  async function expectInvalidCursor(path: string, query: Record<string, string>): Promise<void> {
    const res = await t.http.get(`${API}/${path}`).query(query).set(bearer(owner));
    expect([res.status, res.body]).toEqual([
      400,
      {
        success: false,
        statusCode: 400,
        error: 'VALIDATION_FAILED',
        message: 'cursor is not a cursor this list returned',
        details: [{ field: 'cursor', problems: ['invalid cursor'] }],
      },
    ]);
  }

  it('still pages with the cursors the lists return', async () => {
    for (const path of ['assets', 'images', 'collections', 'jobs', 'templates', 'templates?sort=usage']) {
      const first = await t.http.get(`${API}/${path}`).query({ limit: 1 }).set(bearer(owner)).expect(200);
      expect([path, typeof first.body.nextCursor]).toEqual([path, 'string']);
      await t.http
        .get(`${API}/${path}`)
        .query({ limit: 1, cursor: first.body.nextCursor })
        .set(bearer(owner))
        .expect(200);
    }
  });

  it.each(malformed(['createdAt', 'desc', NOW, ID], { datePosition: 2, idPosition: 3 }))(
    'GET /assets: %s',
    (_case, value) => expectInvalidCursor('assets', { cursor: value }),
  );

  it.each([
    ['a text for a cost', { sort: 'cost', order: 'asc' }, cursor(['cost', 'asc', 'cheap', ID])],
    ['a number for a title', { sort: 'title', order: 'asc' }, cursor(['title', 'asc', 7, ID])],
    ['null for a title', { sort: 'title', order: 'asc' }, cursor(['title', 'asc', null, ID])],
    ['not a date for updatedAt', { sort: 'updatedAt', order: 'asc' }, cursor(['updatedAt', 'asc', 'yesterday', ID])],
  ])('GET /assets: %s in the sort value', (_case, query, value) =>
    expectInvalidCursor('assets', { ...query, cursor: value }),
  );

  it.each(malformed(['createdAt', 'desc', NOW, ID], { datePosition: 2, idPosition: 3 }))(
    'GET /images: %s',
    (_case, value) => expectInvalidCursor('images', { cursor: value }),
  );

  it.each(malformed([NOW, ID], { datePosition: 0, idPosition: 1 }))('GET /collections: %s', (_case, value) =>
    expectInvalidCursor('collections', { cursor: value }),
  );

  it.each(malformed([NOW, ID], { datePosition: 0, idPosition: 1 }))('GET /jobs: %s', (_case, value) =>
    expectInvalidCursor('jobs', { cursor: value }),
  );

  it.each(malformed([NOW, ID], { datePosition: 0, idPosition: 1 }))('GET /templates: %s', (_case, value) =>
    expectInvalidCursor('templates', { cursor: value }),
  );

  it.each([
    ...malformed([3, ID], { idPosition: 1 }),
    ['a fraction for a usage count', cursor([1.5, ID])],
    ['a usage count beyond an Int', cursor([2 ** 40, ID])],
    ['a date for a usage count', cursor([NOW, ID])],
  ])('GET /templates?sort=usage: %s', (_case, value) =>
    expectInvalidCursor('templates', { sort: 'usage', cursor: value }),
  );
});
