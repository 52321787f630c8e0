import { encodeCursor } from '../common/pagination';
import { buildAssetPageSql, decodeAssetCursor, parseCreatedRange } from './asset-list-query';
import { ListAssetsQueryDto } from './dto/list-assets-query.dto';

const query = (overrides: Partial<ListAssetsQueryDto> = {}) =>
  Object.assign(new ListAssetsQueryDto(), { limit: 20, sort: 'createdAt', order: 'desc' }, overrides);

describe('asset list query', () => {
  it('binds every client value as a parameter, never as SQL text', () => {
    const hostile = "x'); DROP TABLE creative_assets; --";
    const sql = buildAssetPageSql('user', query({ search: hostile, category: hostile, provider: hostile }), [hostile], {});
    expect(sql.sql).not.toContain('DROP TABLE');
    expect(sql.values).toEqual(expect.arrayContaining([hostile, [hostile]]));
    expect(sql.sql).toContain(`"searchVector" @@ websearch_to_tsquery('english', `);
  });

  it('orders by the sort column then id, both in the requested direction, fetching limit + 1', () => {
    const sql = buildAssetPageSql('user', query({ sort: 'title', order: 'asc', limit: 10 }), [], {});
    expect(sql.sql).toMatch(/ORDER BY a\."title" ASC, a\.id ASC\s+LIMIT \?/);
    expect(sql.values.at(-1)).toBe(11);
  });

  it('accepts only cursors of the same sort and order', () => {
    const cursor = encodeCursor(['cost', 'asc', null, '00000000-0000-4000-8000-000000000000']);
    expect(decodeAssetCursor(cursor, 'cost', 'asc')).toEqual({ value: null, id: '00000000-0000-4000-8000-000000000000' });
    expect(() => decodeAssetCursor(cursor, 'cost', 'desc')).toThrow('different sort or order');
    expect(() => decodeAssetCursor(cursor, 'title', 'asc')).toThrow('different sort or order');
    expect(() => decodeAssetCursor('garbage', 'cost', 'asc')).toThrow('cursor');
  });

  it('refuses an empty or inverted created range', () => {
    expect(parseCreatedRange({ createdFrom: '2026-01-01', createdTo: '2026-02-01' })).toEqual({ from: new Date('2026-01-01'), to: new Date('2026-02-01') });
    expect(() => parseCreatedRange({ createdFrom: '2026-02-01', createdTo: '2026-02-01' })).toThrow('before createdTo');
  });
});
