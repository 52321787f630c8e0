import { encodeCursor } from '../common/pagination';
import { Prisma } from '../generated/prisma/client';
import { decodeAssetCursor, parseCreatedRange } from './asset-list-query';
import { ASSET_ROW_COLUMNS, buildAssetPageSql, isUnfilteredPage } from './asset-sql';
import { toAssetResponse } from './dto/asset-response.dto';
import { ListAssetsQueryDto } from './dto/list-assets-query.dto';

const query = (overrides: Partial<ListAssetsQueryDto> = {}) =>
  Object.assign(new ListAssetsQueryDto(), { limit: 20, sort: 'createdAt', order: 'desc' }, overrides);

describe('asset list query', () => {
  it('binds every client value as a parameter, never as SQL text', () => {
    const hostile = "x'); DROP TABLE creative_assets; --";
    const sql = buildAssetPageSql(
      'user',
      query({ search: hostile, category: hostile, provider: hostile }),
      [hostile],
      {},
    );
    expect(sql.sql).not.toContain('DROP TABLE');
    expect(sql.values).toEqual(expect.arrayContaining([hostile, [hostile]]));
    expect(sql.sql).toContain(`"searchVector" @@ websearch_to_tsquery('english', `);
  });

  it('calls a page unfiltered (preparable) only when no condition but the user and the cursor narrows it', () => {
    const cursor = encodeCursor([
      'createdAt',
      'desc',
      '2026-11-01T00:00:00.000Z',
      '00000000-0000-4000-8000-000000000000',
    ]);
    const whereOf = (sql: Prisma.Sql) => sql.sql.slice(sql.sql.indexOf('WHERE'), sql.sql.indexOf('ORDER BY'));
    const plainWhere = whereOf(buildAssetPageSql('user', query(), [], {}));
    expect(isUnfilteredPage(query(), [], {})).toBe(true);
    expect(isUnfilteredPage(query({ cursor, sort: 'title', order: 'asc', limit: 50 }), [], {})).toBe(true);
    const filtered: [Partial<ListAssetsQueryDto>, string[], { from?: Date; to?: Date }][] = [
      [{ type: 'image' }, [], {}],
      [{ status: 'ready' }, [], {}],
      [{ category: 'art' }, [], {}],
      [{ provider: 'openai' }, [], {}],
      [{ model: 'gpt-image-1' }, [], {}],
      [{ sourceModule: 'uploads' }, [], {}],
      [{ favorite: false }, [], {}],
      [{ collectionId: '00000000-0000-4000-8000-000000000001' }, [], {}],
      [{ search: 'fox' }, [], {}],
      [{}, ['dawn'], {}],
      [{}, [], { from: new Date('2026-01-01') }],
      [{}, [], { to: new Date('2026-01-01') }],
    ];
    for (const [overrides, tags, range] of filtered) {
      expect(isUnfilteredPage(query(overrides), tags, range)).toBe(false);
      expect(whereOf(buildAssetPageSql('user', query(overrides), tags, range))).not.toBe(plainWhere);
    }
  });

  it('orders by the sort column then id, both in the requested direction, fetching limit + 1', () => {
    const sql = buildAssetPageSql('user', query({ sort: 'title', order: 'asc', limit: 10 }), [], {});
    expect(sql.sql).toMatch(/ORDER BY a\."title" ASC, a\.id ASC\s+LIMIT \?/);
    expect(sql.values.at(-1)).toBe(11);
  });

  it('selects the whole row in the page query itself (one statement per page), never the search vector', () => {
    const sql = buildAssetPageSql('user', query(), [], {});
    expect(sql.sql).toMatch(/^SELECT a\."id", a\."userId", .*a\."updatedAt" FROM "creative_assets" a/);
    const selected = [...ASSET_ROW_COLUMNS.sql.matchAll(/a\."(\w+)"/g)].map((match) => match[1]).sort();
    expect(selected).toEqual([...Object.values(Prisma.CreativeAssetScalarFieldEnum)].sort());
    expect(sql.sql).not.toMatch(/a\."searchVector",/);
  });

  it('maps a raw row (Decimal cost, BigInt seed) like a model row: cost as a number, seed as a decimal string', () => {
    const fields = Object.fromEntries(
      [...ASSET_ROW_COLUMNS.sql.matchAll(/a\."(\w+)"/g)].map((match) => [match[1], null]),
    );
    const row = {
      ...fields,
      cost: new Prisma.Decimal('0.040000'),
      seed: 12345678901234567891n,
      tags: ['a'],
    } as unknown as Parameters<typeof toAssetResponse>[0];
    const links = { signedUrl: '/signed', signedThumbnailUrl: null, signedUrlExpiresAt: new Date(0) };
    expect(toAssetResponse(row, links)).toMatchObject({ cost: 0.04, seed: '12345678901234567891', tags: ['a'] });
    // Everything but the storage keys, which only the links are made from.
    const { storageKey, thumbnailKey, ...answered } = fields;
    expect([storageKey, thumbnailKey]).toEqual([null, null]);
    expect(Object.keys(toAssetResponse(row, links)).sort()).toEqual(
      [...Object.keys(answered), ...Object.keys(links)].sort(),
    );
  });

  it('accepts only cursors of the same sort and order', () => {
    const cursor = encodeCursor(['cost', 'asc', null, '00000000-0000-4000-8000-000000000000']);
    expect(decodeAssetCursor(cursor, 'cost', 'asc')).toEqual({
      value: null,
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(() => decodeAssetCursor(cursor, 'cost', 'desc')).toThrow('different sort or order');
    expect(() => decodeAssetCursor(cursor, 'title', 'asc')).toThrow('different sort or order');
    expect(() => decodeAssetCursor('garbage', 'cost', 'asc')).toThrow('cursor');
  });

  it('refuses an empty or inverted created range', () => {
    expect(parseCreatedRange({ createdFrom: '2026-01-01', createdTo: '2026-02-01' })).toEqual({
      from: new Date('2026-01-01'),
      to: new Date('2026-02-01'),
    });
    expect(() => parseCreatedRange({ createdFrom: '2026-02-01', createdTo: '2026-02-01' })).toThrow('before createdTo');
  });
});
