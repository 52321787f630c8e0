import type request from 'supertest';
import { Prisma } from '../src/generated/prisma/client';
import { buildAssetPageSql, buildSearchWalkSql, SEARCH_WALK_ROWS_PER_RESULT } from '../src/assets/asset-sql';
import { parseCreatedRange } from '../src/assets/asset-list-query';
import { ListAssetsQueryDto } from '../src/assets/dto/list-assets-query.dto';
import { BASE as API, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';

const FIXTURE_SIZE = 360;
const TYPES = ['image', 'video', 'audio', 'text'] as const;
const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');

/** One fixture row, with every filterable column a function of i so expectations are computed, not listed. */
function fixture(i: number) {
  const provider = ['openai', 'stability', null][i % 3];
  return {
    type: TYPES[i % 4],
    category: ['ads', 'social', 'print'][i % 3],
    tags: [i % 2 === 0 ? 'even' : 'odd', ...(i % 5 === 0 ? ['five'] : []), ...(i % 7 === 0 ? ['seven'] : [])],
    isFavorite: i % 6 === 0,
    status: i % 10 === 0 ? 'failed' : 'ready',
    provider,
    model:
      provider === 'openai' ? (i % 2 === 0 ? 'gpt-image-1' : 'gpt-image-2') : provider === 'stability' ? 'sd3' : null,
    sourceModule: i % 4 === 0 ? 'crm' : 'image_generation',
    // Ties on cost, title and createdAt exercise the id tie-break of the keyset.
    cost: i % 8 === 0 ? null : ((i % 13) / 100).toFixed(6),
    title: `Asset ${String(i % 50).padStart(3, '0')}`,
    description: i % 9 === 0 ? 'A majestic mountain sunrise' : i % 11 === 0 ? 'Ocean waves at dusk' : null,
    prompt: i % 17 === 0 ? 'a lighthouse painted in watercolor' : null,
    content: i % 19 === 0 ? 'Quarterly newsletter about penguins' : 'plain body',
    createdAt: new Date(BASE_TIME + Math.floor(i / 3) * 60_000),
    updatedAt: new Date(BASE_TIME + ((i * 7) % FIXTURE_SIZE) * 1000),
  };
}
type Fixture = ReturnType<typeof fixture> & { id: string };

describe('asset library: GET /assets filters, search, sort and pagination', () => {
  let t: TestApp;
  const owner = newUserId('lister');
  const fixtures: Fixture[] = [];

  beforeAll(async () => {
    // Every page of every search below walks its pages one request at a time: thousands of requests a minute.
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '100000' });
    const rows = Array.from({ length: FIXTURE_SIZE }, (_, i) => {
      const row = assetRow(owner, fixture(i));
      fixtures.push({ ...fixture(i), id: row.id });
      return row;
    });
    await t.prisma.creativeAsset.createMany({ data: rows as never });
    // Another user's rows match every filter too and must never show up.
    await t.prisma.creativeAsset.createMany({
      data: Array.from({ length: 20 }, (_, i) => assetRow(newUserId(), fixture(i))) as never,
    });
    // Planner statistics for the index test (autovacuum would take its time).
    await t.prisma.$executeRaw`ANALYZE "creative_assets"`;
  });
  afterAll(() => t.close());

  async function listAll(query: Record<string, string | number | boolean>, userId = owner): Promise<{ id: string }[]> {
    const items: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await t.http
        .get(`${API}/assets`)
        .query({ limit: 100, ...query, ...(cursor ? { cursor } : {}) })
        .set(bearer(userId));
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }
  const idsWhere = (predicate: (row: Fixture) => boolean) =>
    fixtures
      .filter(predicate)
      .map((row) => row.id)
      .sort();
  const sortedIds = (items: { id: string }[]) => items.map((item) => item.id).sort();

  it.each<[string, Record<string, string | number | boolean>, (row: Fixture) => boolean]>([
    ['no filter', {}, () => true],
    ['type', { type: 'video' }, (row) => row.type === 'video'],
    ['category', { category: 'print' }, (row) => row.category === 'print'],
    ['one tag', { tags: 'five' }, (row) => row.tags.includes('five')],
    [
      'all tags must match',
      { tags: 'even,five, SEVEN' },
      (row) => ['even', 'five', 'seven'].every((tag) => row.tags.includes(tag)),
    ],
    ['favorite=true', { favorite: true }, (row) => row.isFavorite],
    ['favorite=false', { favorite: 'false' }, (row) => !row.isFavorite],
    ['status', { status: 'failed' }, (row) => row.status === 'failed'],
    ['provider', { provider: 'stability' }, (row) => row.provider === 'stability'],
    ['model', { model: 'gpt-image-2' }, (row) => row.model === 'gpt-image-2'],
    ['sourceModule', { sourceModule: 'crm' }, (row) => row.sourceModule === 'crm'],
    [
      'createdFrom/createdTo',
      { createdFrom: '2026-01-01T00:10:00Z', createdTo: '2026-01-01T00:20:00.000Z' },
      (row) => row.createdAt >= new Date('2026-01-01T00:10:00Z') && row.createdAt < new Date('2026-01-01T00:20:00Z'),
    ],
    [
      'search: a word in the description (stemmed)',
      { search: 'mountains' },
      (row) => row.description?.includes('mountain') ?? false,
    ],
    ['search: a phrase', { search: '"ocean waves"' }, (row) => row.description?.includes('Ocean waves') ?? false],
    ['search: prompt', { search: 'watercolor' }, (row) => row.prompt?.includes('watercolor') ?? false],
    ['search: text content', { search: 'penguins' }, (row) => row.content.includes('penguins')],
    ['search: tags', { search: 'seven' }, (row) => row.tags.includes('seven')],
    [
      'search: or',
      { search: 'ocean or lighthouse' },
      (row) => row.description === 'Ocean waves at dusk' || row.prompt !== null,
    ],
    ['search: exclusion', { search: 'asset -seven' }, (row) => !row.tags.includes('seven')],
    ['search: LIKE wildcards are not wildcards', { search: '%' }, () => false],
    ['search: SQL is just text', { search: "'; DROP TABLE creative_assets; --" }, () => false],
    [
      'combined filters',
      { type: 'image', provider: 'openai', tags: 'even', favorite: true },
      (row) => row.type === 'image' && row.provider === 'openai' && row.tags.includes('even') && row.isFavorite,
    ],
    [
      'search combined with a filter',
      { search: 'mountain', type: 'image' },
      (row) => row.type === 'image' && (row.description?.includes('mountain') ?? false),
    ],
  ])('filter: %s', async (_name, query, predicate) => {
    const expected = idsWhere(predicate);
    expect(sortedIds(await listAll(query))).toEqual(expected);
  });

  it('sanity: the fixture makes every filter selective', () => {
    expect(idsWhere((row) => row.description?.includes('mountain') ?? false).length).toBeGreaterThan(10);
    expect(idsWhere((row) => ['even', 'five', 'seven'].every((tag) => row.tags.includes(tag))).length).toBeGreaterThan(
      2,
    );
  });

  const compareBy =
    (sort: 'createdAt' | 'updatedAt' | 'cost' | 'title', order: 'asc' | 'desc') => (a: Fixture, b: Fixture) => {
      const key = (row: Fixture) =>
        sort === 'cost'
          ? row.cost === null
            ? null
            : Number(row.cost)
          : sort === 'title'
            ? row.title
            : row[sort].getTime();
      const [x, y] = [key(a), key(b)];
      const sign = order === 'asc' ? 1 : -1;
      if (x !== y) {
        // PostgreSQL: NULLs last ascending, first descending.
        if (x === null) return order === 'asc' ? 1 : -1;
        if (y === null) return order === 'asc' ? -1 : 1;
        return (x < y ? -1 : 1) * sign;
      }
      return (a.id < b.id ? -1 : 1) * sign;
    };

  it.each(
    ['createdAt', 'updatedAt', 'cost', 'title'].flatMap((sort) => ['asc', 'desc'].map((order) => [sort, order])) as [
      'createdAt' | 'updatedAt' | 'cost' | 'title',
      'asc' | 'desc',
    ][],
  )('sort=%s order=%s walks every row once, in order, across pages', async (sort, order) => {
    const expected = [...fixtures].sort(compareBy(sort, order)).map((row) => row.id);
    const items: { id: string }[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await t.http
        .get(`${API}/assets`)
        .query({ sort, order, limit: 37, ...(cursor ? { cursor } : {}) })
        .set(bearer(owner))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(37);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(items.map((item) => item.id)).toEqual(expected);
  });

  const searchPage = (search: string, limit: number) =>
    Object.assign(new ListAssetsQueryDto(), { limit, sort: 'createdAt', order: 'desc', search });

  const SEARCHES: [string, Record<string, string>, (row: Fixture) => boolean][] = [
    ['a term most rows match', { search: 'asset -seven' }, (row) => !row.tags.includes('seven')],
    ['a tag', { search: 'seven' }, (row) => row.tags.includes('seven')],
    ['a word of one row in nine', { search: 'mountain' }, (row) => row.description?.includes('mountain') ?? false],
    ['a word of one row in nineteen', { search: 'penguins' }, (row) => row.content.includes('penguins')],
    [
      'a term within a created range',
      { search: 'asset -seven', createdFrom: '2026-01-01T00:30:00Z', createdTo: '2026-01-01T01:30:00Z' },
      (row) =>
        !row.tags.includes('seven') &&
        row.createdAt >= new Date('2026-01-01T00:30:00Z') &&
        row.createdAt < new Date('2026-01-01T01:30:00Z'),
    ],
  ];
  it.each(
    SEARCHES.flatMap(([name, query, predicate]) =>
      [2, 5, 20].flatMap((limit) =>
        (['desc', 'asc'] as const).map((order) => [name, limit, order, query, predicate] as const),
      ),
    ),
  )(
    'search: %s, pages of %i in createdAt %s order, in order across pages',
    async (_name, limit, order, query, predicate) => {
      const expected = fixtures
        .filter(predicate)
        .sort(compareBy('createdAt', order))
        .map((row) => row.id);
      const items: { id: string }[] = [];
      let cursor: string | null = null;
      let walkedPages = 0;
      do {
        const res: request.Response = await t.http
          .get(`${API}/assets`)
          .query({ ...query, order, limit, ...(cursor ? { cursor } : {}) })
          .set(bearer(owner))
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(limit);
        // Whichever statement the service chose (a search that fell short lately skips the walk), a page that
        // the walk fills is the same page.
        const pageQuery = Object.assign(searchPage(query.search, limit), { order, cursor: cursor ?? undefined });
        const walked = await t.prisma.$queryRaw<{ id: string }[]>(
          buildSearchWalkSql(owner, pageQuery, [], parseCreatedRange(query))!,
        );
        if (walked.length > limit) {
          walkedPages += 1;
          expect(walked.slice(0, limit).map((row) => row.id)).toEqual(
            res.body.items.map((item: { id: string }) => item.id),
          );
        }
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor && items.length <= expected.length);
      expect(items.map((item) => item.id)).toEqual(expected);
      // A page of the term most rows match walks (limit + 1) × 100 rows: it fills every page but the last.
      if (query.search === 'asset -seven' && !query.createdFrom)
        expect(walkedPages).toBe(Math.ceil(expected.length / limit) - 1);
    },
  );

  it('a search in date order walks the newest rows when enough of them match, and leaves a rarer term to the GIN', async () => {
    const walkedRows = async (query: ListAssetsQueryDto) =>
      (await t.prisma.$queryRaw<{ id: string }[]>(buildSearchWalkSql(owner, query, [], {})!)).length;
    // Of the 300 newest rows that a page of 2 walks, one in nine mentions a mountain: the walk fills the page.
    expect(3 * SEARCH_WALK_ROWS_PER_RESULT).toBeLessThan(FIXTURE_SIZE);
    expect(await walkedRows(searchPage('mountain', 2))).toBe(3);
    expect(await walkedRows(searchPage('asset -seven', 20))).toBe(21);
    // 19 of the 360 rows mention penguins: not a page of 20, so the GIN answers.
    expect(await walkedRows(searchPage('penguins', 20))).toBe(19);
    for (const sort of ['updatedAt', 'cost', 'title'] as const)
      expect(buildSearchWalkSql(owner, Object.assign(searchPage('mountain', 20), { sort }), [], {})).toBeNull();
    expect(buildSearchWalkSql(owner, Object.assign(searchPage('mountain', 20), { type: 'image' }), [], {})).toBeNull();
    expect(buildSearchWalkSql(owner, searchPage('mountain', 20), ['five'], {})).toBeNull();
  });

  it('the walk of a search reads the date index alone, with the terms tested on its entries', async () => {
    await t.prisma.$executeRaw`VACUUM "creative_assets"`;
    // Of only 360 rows, reading all and sorting them looks cheapest: without bitmaps, the walk's index shows.
    const noBitmaps = Prisma.sql`SET LOCAL enable_bitmapscan = off`;
    const plan = await explain({ search: 'mountain', limit: 2 }, [NO_SEQ_SCAN, noBitmaps], buildSearchWalkSql);
    expect(plan).toContain('Index Only Scan using "creative_assets_userId_createdAt_id_idx"');
    expect(plan).not.toContain('searchVector_idx');
    expect(plan).not.toContain('Seq Scan');
  });

  it.each(['desc', 'asc'])(
    'pagination (createdAt %s) visits every existing row exactly once while rows are inserted concurrently',
    async (order) => {
      const existing = new Set((await listAll({})).map((item) => item.id));
      let walking = true;
      const inserted: string[] = [];
      const insertWhileWalking = async () => {
        for (let n = 0; walking; n += 1) {
          // New rows now, and back-dated rows landing between pages already read and pages still ahead.
          const row = assetRow(owner, {
            createdAt: n % 2 === 0 ? new Date() : new Date(BASE_TIME + (n % 120) * 60_000),
            tags: ['inserted'],
          });
          await t.prisma.creativeAsset.create({ data: row as never });
          inserted.push(row.id);
        }
      };
      const walk = async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        try {
          do {
            const res: request.Response = await t.http
              .get(`${API}/assets`)
              .query({ order, limit: 20, ...(cursor ? { cursor } : {}) })
              .set(bearer(owner))
              .expect(200);
            seen.push(...res.body.items.map((item: { id: string }) => item.id));
            cursor = res.body.nextCursor;
            await new Promise((resolve) => setImmediate(resolve));
          } while (cursor);
        } finally {
          walking = false;
        }
        return seen;
      };
      const [seen] = await Promise.all([walk(), insertWhileWalking()]);
      expect(inserted.length).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => existing.has(id)).sort()).toEqual([...existing].sort());
      await t.prisma.creativeAsset.deleteMany({ where: { id: { in: inserted } } });
    },
  );

  it('refuses bad list parameters with 400', async () => {
    const first = await t.http.get(`${API}/assets`).query({ limit: 5 }).set(bearer(owner)).expect(200);
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { sort: 'userId' },
      { order: 'sideways' },
      { type: 'pdf' },
      { favorite: 'maybe' },
      { collectionId: 'nope' },
      { createdFrom: 'last week' },
      { cursor: 'garbage' },
      { cursor: first.body.nextCursor, sort: 'title' },
      { tags: 'x'.repeat(65) },
      { search: 'x'.repeat(201) },
      { unknown: 1 },
    ]) {
      const res = await t.http.get(`${API}/assets`).query(query).set(bearer(owner));
      expect([JSON.stringify(query), res.status, res.body.error]).toEqual([
        JSON.stringify(query),
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  /** EXPLAIN of the page query, in a transaction that is rolled back (so its SET LOCAL and DROP INDEX vanish). */
  async function explain(
    overrides: Partial<ListAssetsQueryDto>,
    setup: Prisma.Sql[],
    build: typeof buildSearchWalkSql = buildAssetPageSql,
  ): Promise<string> {
    const query = Object.assign(new ListAssetsQueryDto(), { limit: 20, sort: 'createdAt', order: 'desc' }, overrides);
    const sql = build(owner, query, query.tags ?? [], {})!;
    let plan = '';
    await t.prisma
      .$transaction(async (tx) => {
        for (const statement of setup) await tx.$executeRaw(statement);
        const rows = await tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${sql}`);
        plan = rows.map((line) => line['QUERY PLAN']).join('\n');
        throw new Error('rollback');
      })
      .catch((error: Error) => expect(error.message).toBe('rollback'));
    return plan;
  }
  // A few hundred rows make a sequential scan cheapest; disabling it shows which index a query matches.
  const NO_SEQ_SCAN = Prisma.sql`SET LOCAL enable_seqscan = off`;

  it.each<[string, string, Partial<ListAssetsQueryDto>]>([
    ['default list', 'creative_assets_userId_createdAt_id_idx', {}],
    ['sort=updatedAt', 'creative_assets_userId_updatedAt_id_idx', { sort: 'updatedAt' }],
    ['sort=cost', 'creative_assets_userId_cost_id_idx', { sort: 'cost', order: 'asc' }],
    ['sort=title', 'creative_assets_userId_title_id_idx', { sort: 'title' }],
  ])('the %s query walks the index %s', async (_name, index, overrides) => {
    const plan = await explain(overrides, [NO_SEQ_SCAN]);
    expect(plan).toContain(index);
    expect(plan).not.toContain('Seq Scan');
  });

  it.each<[string, string, Partial<ListAssetsQueryDto>]>([
    ['search', 'creative_assets_userId_searchVector_idx', { search: 'penguins' }],
    ['tags', 'creative_assets_tags_idx', { tags: ['five'] }],
  ])('the %s condition matches the GIN index %s', async (_name, index, overrides) => {
    // With the other userId indexes out of the way (rolled back), only the GIN index under test can avoid a scan.
    const userIndexes = [
      'createdAt_id',
      'type_createdAt',
      'isFavorite',
      'updatedAt_id',
      'cost_id',
      'title_id',
      'searchVector',
    ]
      .map((suffix) => `creative_assets_userId_${suffix}_idx`)
      .filter((name) => name !== index)
      .map((name) => Prisma.raw(`DROP INDEX "${name}"`));
    const plan = await explain(overrides, [NO_SEQ_SCAN, ...userIndexes]);
    expect(plan).toContain(index);
    expect(plan).not.toContain('Seq Scan');
  });
});
