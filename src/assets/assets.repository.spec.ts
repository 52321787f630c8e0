import { Prisma } from '../generated/prisma/client';
import type { PrismaService } from '../prisma/prisma.service';
import { buildAssetPageSql, buildSearchWalkSql } from './asset-sql';
import { AssetsRepository } from './assets.repository';
import { ListAssetsQueryDto } from './dto/list-assets-query.dto';

const page = (overrides: Partial<ListAssetsQueryDto> = {}) =>
  Object.assign(new ListAssetsQueryDto(), { limit: 2, sort: 'createdAt', order: 'desc' }, overrides);

/** A PrismaService whose raw statements answer `rowsOf(sql)` rows, recording which of its senders ran what. */
function fakePrisma(rowsOf: (sql: Prisma.Sql) => number) {
  const sent: { sender: 'prepared' | 'direct'; sql: string }[] = [];
  const sender = (name: 'prepared' | 'direct') => ({
    query: (sql: Prisma.Sql) => {
      sent.push({ sender: name, sql: sql.sql });
      return Promise.resolve(Array.from({ length: rowsOf(sql) }, (_, index) => ({ id: `${name}-${index}` })));
    },
  });
  const prisma = { prepared: sender('prepared'), direct: sender('direct') } as unknown as PrismaService;
  return { repository: new AssetsRepository(prisma), sent };
}

describe('AssetsRepository.findPage: which statement reads a search page', () => {
  const walkSql = (query: ListAssetsQueryDto) => buildSearchWalkSql('user', query, [], {})!.sql;
  const ginSql = (query: ListAssetsQueryDto) => buildAssetPageSql('user', query, [], {}).sql;

  it('answers with the date-order walk alone when the walk found a full page and one more row', async () => {
    const query = page({ search: 'coffee cup' });
    const { repository, sent } = fakePrisma(() => 3);
    const rows = await repository.findPage('user', query, [], {});
    expect(rows.map((row) => row.id)).toEqual(['prepared-0', 'prepared-1', 'prepared-2']);
    expect(sent).toEqual([{ sender: 'prepared', sql: walkSql(query) }]);
  });

  it('asks the GIN for the page when the walk found fewer rows than a page and one more', async () => {
    const query = page({ search: 'lighthouse watercolor' });
    const { repository, sent } = fakePrisma((sql) => (sql.sql === walkSql(query) ? 2 : 1));
    const rows = await repository.findPage('user', query, [], {});
    expect(rows.map((row) => row.id)).toEqual(['direct-0']);
    expect(sent).toEqual([
      { sender: 'prepared', sql: walkSql(query) },
      { sender: 'direct', sql: ginSql(query) },
    ]);
  });

  it('sends the next page of a search whose walk fell short straight to the GIN, and walks other searches', async () => {
    const rare = page({ search: 'lighthouse watercolor' });
    const common = page({ search: 'coffee cup' });
    const { repository, sent } = fakePrisma((sql) =>
      sql.sql === walkSql(rare) && sql.values.includes('lighthouse watercolor') ? 1 : 3,
    );
    await repository.findPage('user', rare, [], {});
    expect(sent.map((statement) => statement.sender)).toEqual(['prepared', 'direct']);
    sent.length = 0;
    await repository.findPage('user', rare, [], {});
    expect(sent).toEqual([{ sender: 'direct', sql: ginSql(rare) }]);
    sent.length = 0;
    await repository.findPage('user', common, [], {});
    expect(sent).toEqual([{ sender: 'prepared', sql: walkSql(common) }]);
    sent.length = 0;
    await repository.findPage('other user', rare, [], {});
    expect(sent.map((statement) => statement.sender)).toEqual(['prepared', 'direct']);
  });

  it.each<[string, Partial<ListAssetsQueryDto>, string[]]>([
    ['another sort', { search: 'fox', sort: 'title' }, []],
    ['a filter the date index does not hold', { search: 'fox', type: 'image' }, []],
    ['tags', { search: 'fox' }, ['landscape']],
  ])('reads a search page with %s through the GIN statement only', async (_name, overrides, tags) => {
    const query = page(overrides);
    const { repository, sent } = fakePrisma(() => 3);
    await repository.findPage('user', query, tags, {});
    expect(sent).toEqual([{ sender: 'direct', sql: buildAssetPageSql('user', query, tags, {}).sql }]);
  });

  it('walks within the created range, in the order of the page', () => {
    const sql = buildSearchWalkSql('user', page({ search: 'fox', order: 'asc' }), [], {
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
    })!;
    expect(sql.sql).toContain('a."createdAt" >= ? AND a."createdAt" < ?');
    expect(sql.sql).toContain('ORDER BY a."createdAt" ASC, a.id ASC');
    expect(sql.sql).not.toContain('DESC');
    // The walk's bound grows with the page: (limit + 1) rows per hundred walked.
    expect(sql.values).toEqual([
      'user',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-02-01T00:00:00Z'),
      300,
      'fox',
      3,
    ]);
  });
});
