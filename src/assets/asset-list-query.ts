import { cursorField, CursorField, DEFAULT_PAGE_SIZE, decodeCursor } from '../common/pagination';
import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import type { AssetRow } from './dto/asset-response.dto';
import { ListAssetsQueryDto } from './dto/list-assets-query.dto';
import type { AssetSortField, CreatedRangeQueryDto, SortOrder } from './dto/list-assets-query.dto';

/** A list query as host apps may pass it (the HTTP DTO fills these defaults itself). */
export type ListAssetsQuery = Partial<ListAssetsQueryDto>;

export function withListDefaults(query: ListAssetsQuery): ListAssetsQueryDto {
  return Object.assign(
    new ListAssetsQueryDto(),
    { limit: DEFAULT_PAGE_SIZE, sort: 'createdAt', order: 'desc' },
    definedOnly(query),
  );
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
    throw new ValidationError('createdFrom must be before createdTo', [
      { field: 'createdFrom', problems: ['must be before createdTo'] },
    ]);
  }
  return range;
}

export interface AssetCursor {
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
  const [cursorSort, cursorOrder] = decodeCursor(cursor, [
    cursorField.string,
    cursorField.string,
    cursorField.scalar,
    cursorField.scalar,
  ]);
  if (cursorSort !== sort || cursorOrder !== order) {
    throw new ValidationError('cursor belongs to a listing with a different sort or order', [
      { field: 'cursor', problems: ['repeat the sort and order of the request that returned this cursor'] },
    ]);
  }
  const [, , value, id] = decodeCursor(cursor, [
    cursorField.string,
    cursorField.string,
    SORT_VALUE_FIELDS[sort],
    cursorField.uuid,
  ]);
  return { value, id };
}
