import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationError } from './errors';
import { UUID_PATTERN } from './validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `limit` and `cursor` of every list route (docs/ARCHITECTURE.md §8). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Keyset cursors: the sort key values of the last row of a page, opaque to clients. Keyset (not offset)
 * pagination visits every row once even while rows are inserted, and costs the same on every page.
 * A cursor is base64url of a JSON array of scalars; `decodeCursor` is the one way back, checking every
 * value against the kind its list expects, so a tampered or foreign cursor is a 400, never a 500 or a
 * query on garbage.
 */
export type CursorValue = string | number | null;

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Checks one decoded value: returns it typed, or `undefined` when it is not of this kind. */
export type CursorField<T> = (raw: unknown) => T | undefined;
type FieldValues<Fields extends readonly CursorField<unknown>[]> = {
  -readonly [K in keyof Fields]: Fields[K] extends CursorField<infer T> ? T : never;
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Exactly what Date#toISOString writes for years 0000-9999 (what every list puts in its cursors). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;
const INT32_MAX = 2 ** 31 - 1;

/** The kinds a cursor value can be. */
export const cursorField = {
  /** An instant written by toISOString, decoded to a Date. */
  date: ((raw) => {
    if (typeof raw !== 'string' || !ISO_INSTANT.test(raw)) return undefined;
    const date = new Date(raw);
    return !Number.isNaN(date.getTime()) && date.toISOString() === raw ? date : undefined;
  }) as CursorField<Date>,
  uuid: ((raw) => (typeof raw === 'string' && UUID_PATTERN.test(raw) ? raw : undefined)) as CursorField<string>,
  /** A 32-bit integer (a Prisma `Int` column). */
  integer: ((raw) =>
    typeof raw === 'number' && Number.isInteger(raw) && Math.abs(raw) <= INT32_MAX
      ? raw
      : undefined) as CursorField<number>,
  number: ((raw) => (typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined)) as CursorField<number>,
  /** A plain decimal number as a string (a Decimal column), kept as text so no precision is lost. */
  decimal: ((raw) => (typeof raw === 'string' && DECIMAL.test(raw) ? raw : undefined)) as CursorField<string>,
  string: ((raw) => (typeof raw === 'string' ? raw : undefined)) as CursorField<string>,
  /** Any scalar, unchecked: only for a first look at a value whose kind depends on another. */
  scalar: ((raw) =>
    raw === null || typeof raw === 'string' || typeof raw === 'number' ? raw : undefined) as CursorField<CursorValue>,
  /** One of the given strings. */
  oneOf:
    <const T extends string>(...values: readonly T[]): CursorField<T> =>
    (raw) =>
      values.includes(raw as T) ? (raw as T) : undefined,
  /** `null` or a value of `field`. */
  nullable:
    <T>(field: CursorField<T>): CursorField<T | null> =>
    (raw) =>
      raw === null ? null : field(raw),
};

export function invalidCursorError(): ValidationError {
  return new ValidationError('cursor is not a cursor this list returned', [
    { field: 'cursor', problems: ['invalid cursor'] },
  ]);
}

/**
 * The values of a cursor, one per field and each of its field's kind; anything else (not base64url, not
 * JSON, not an array of that length, a value of the wrong kind) is a ValidationError (400).
 */
export function decodeCursor<const Fields extends readonly CursorField<unknown>[]>(
  cursor: string,
  fields: Fields,
): FieldValues<Fields> {
  let values: unknown;
  try {
    values = BASE64URL.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length !== fields.length) throw invalidCursorError();
  return fields.map((field, index) => {
    const value = field(values[index]);
    if (value === undefined) throw invalidCursorError();
    return value;
  }) as FieldValues<Fields>;
}

/** Turns `limit + 1` fetched rows into a page; the extra row only says whether there is a next page. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => readonly CursorValue[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}
