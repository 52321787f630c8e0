import { cursorField, CursorField, DEFAULT_PAGE_SIZE, decodeCursor, invalidCursorError } from '../common/pagination';
import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import { Prisma } from '../generated/prisma/client';
import { ASSET_ROW_COLUMNS, type AssetRow } from './dto/asset-response.dto';
import { ListAssetsQueryDto } from './dto/list-assets-query.dto';
import type { AssetSortField, CreatedRangeQueryDto, SortOrder } from './dto/list-assets-query.dto';

/** Sort columns as fixed SQL identifiers (never built from input); only `cost` is nullable. */
const SORT_COLUMNS: Record<AssetSortField, { column: Prisma.Sql; nullable: boolean; cast: Prisma.Sql }> = {
  createdAt: { column: Prisma.raw('a."createdAt"'), nullable: false, cast: Prisma.raw('timestamptz') },
  updatedAt: { column: Prisma.raw('a."updatedAt"'), nullable: false, cast: Prisma.raw('timestamptz') },
  cost: { column: Prisma.raw('a."cost"'), nullable: true, cast: Prisma.raw('numeric') },
  title: { column: Prisma.raw('a."title"'), nullable: false, cast: Prisma.raw('text') },
};

/** A list query as host apps may pass it (the HTTP DTO fills these defaults itself). */
export type ListAssetsQuery = Partial<ListAssetsQueryDto>;

export function withListDefaults(query: ListAssetsQuery): ListAssetsQueryDto {
  return Object.assign(new ListAssetsQueryDto(), { limit: DEFAULT_PAGE_SIZE, sort: 'createdAt', order: 'desc' }, definedOnly(query));
}

export interface CreatedRange {
  from?: Date;
  to?: Date;
}

/** createdFrom ≤ createdAt < createdTo, checked to be a non-empty window. */
export function parseCreatedRange(query: CreatedRangeQueryDto): CreatedRange {
  const range: CreatedRange = {
    from: query.createdFrom === undefined ? undefined : new Date(query.createdFrom),
    to: query.createdTo === undefined ? undefined : new Date(query.createdTo),
  };
  if (range.from && range.to && range.from >= range.to) {
    throw new ValidationError('createdFrom must be before createdTo', [{ field: 'createdFrom', problems: ['must be before createdTo'] }]);
  }
  return range;
}

interface AssetCursor {
  value: Date | string | null;
  id: string;
}

/** The kind of each sort's cursor value, as sortValueOf writes it. */
const SORT_VALUE_FIELDS: Record<AssetSortField, CursorField<Date | string | null>> = {
  createdAt: cursorField.date,
  updatedAt: cursorField.date,
  cost: cursorField.nullable(cursorField.decimal),
  title: cursorField.string,
};

/** The sort key of a row as it goes in a cursor: timestamps as ISO strings, cost as a decimal string. */
function sortValueOf(row: AssetRow, sort: AssetSortField): string | null {
  switch (sort) {
    case 'createdAt':
    case 'updatedAt':
      return row[sort].toISOString();
    case 'cost':
      return row.cost === null ? null : row.cost.toString();
    case 'title':
      return row.title;
  }
}

/** Cursor values of a row (toPage encodes them); sort and order are included so a cursor only continues its own listing. */
export function assetCursorValues(row: AssetRow, sort: AssetSortField, order: SortOrder): (string | null)[] {
  return [sort, order, sortValueOf(row, sort), row.id];
}

export function decodeAssetCursor(cursor: string, sort: AssetSortField, order: SortOrder): AssetCursor {
  // The sort and order come first, so a cursor of another listing gets the more helpful message.
  const [cursorSort, cursorOrder] = decodeCursor(cursor, [cursorField.string, cursorField.string, cursorField.scalar, cursorField.scalar]);
  if (cursorSort !== sort || cursorOrder !== order) {
    throw new ValidationError('cursor belongs to a listing with a different sort or order', [
      { field: 'cursor', problems: ['repeat the sort and order of the request that returned this cursor'] },
    ]);
  }
  const [, , value, id] = decodeCursor(cursor, [cursorField.string, cursorField.string, SORT_VALUE_FIELDS[sort], cursorField.uuid]);
  return { value, id };
}

/**
 * Rows after the cursor in `ORDER BY column <order>, id <order>` (PostgreSQL puts NULLs last ascending and
 * first descending, as a backward index scan does). The leading `column >= value` form keeps the condition
 * usable as an index range on (userId, column, id).
 */
function afterCursor(sort: AssetSortField, order: SortOrder, cursor: AssetCursor): Prisma.Sql {
  const { column, nullable, cast } = SORT_COLUMNS[sort];
  const id = Prisma.sql`${cursor.id}::uuid`;
  const after = order === 'asc' ? Prisma.raw('>') : Prisma.raw('<');
  const atOrAfter = order === 'asc' ? Prisma.raw('>=') : Prisma.raw('<=');
  if (cursor.value === null) {
    if (!nullable) throw invalidCursorError();
    return order === 'asc'
      ? Prisma.sql`(${column} IS NULL AND a.id > ${id})`
      : Prisma.sql`((${column} IS NULL AND a.id < ${id}) OR ${column} IS NOT NULL)`;
  }
  // Bound as the same text the cursor carried (an instant exactly as toISOString wrote it).
  const value = Prisma.sql`${cursor.value instanceof Date ? cursor.value.toISOString() : cursor.value}::${cast}`;
  const notNullPart = Prisma.sql`(${column} ${atOrAfter} ${value} AND (${column} ${after} ${value} OR a.id ${after} ${id}))`;
  return nullable && order === 'asc' ? Prisma.sql`(${notNullPart} OR ${column} IS NULL)` : notNullPart;
}

/**
 * One page of a user's assets in a single statement: every filter of GET /assets as a bound parameter,
 * search on the trigger-maintained `searchVector` (GIN), keyset pagination on the sort column and id.
 * Returns limit+1 AssetRows (ASSET_ROW_COLUMNS) so the caller knows whether a next page exists.
 */
export function buildAssetPageSql(userId: string, query: ListAssetsQueryDto, tags: string[], range: CreatedRange): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`a."userId" = ${userId}`];
  if (query.type) conditions.push(Prisma.sql`a."type" = ${query.type}::"AssetType"`);
  if (query.status) conditions.push(Prisma.sql`a."status" = ${query.status}::"AssetStatus"`);
  if (query.category) conditions.push(Prisma.sql`a."category" = ${query.category}`);
  if (query.provider) conditions.push(Prisma.sql`a."provider" = ${query.provider}`);
  if (query.model) conditions.push(Prisma.sql`a."model" = ${query.model}`);
  if (query.sourceModule) conditions.push(Prisma.sql`a."sourceModule" = ${query.sourceModule}`);
  if (query.favorite !== undefined) conditions.push(Prisma.sql`a."isFavorite" = ${query.favorite}`);
  if (tags.length > 0) conditions.push(Prisma.sql`a."tags" @> ${tags}::text[]`);
  if (query.collectionId) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "asset_collection_items" i WHERE i."collectionId" = ${query.collectionId}::uuid AND i."assetId" = a.id)`);
  }
  if (query.search) conditions.push(Prisma.sql`a."searchVector" @@ websearch_to_tsquery('english', ${query.search})`);
  if (range.from) conditions.push(Prisma.sql`a."createdAt" >= ${range.from}`);
  if (range.to) conditions.push(Prisma.sql`a."createdAt" < ${range.to}`);
  if (query.cursor) conditions.push(afterCursor(query.sort, query.order, decodeAssetCursor(query.cursor, query.sort, query.order)));

  const direction = Prisma.raw(query.order === 'asc' ? 'ASC' : 'DESC');
  return Prisma.sql`SELECT ${ASSET_ROW_COLUMNS} FROM "creative_assets" a
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${SORT_COLUMNS[query.sort].column} ${direction}, a.id ${direction}
    LIMIT ${query.limit + 1}`;
}
