import { types } from 'pg';

const postgresDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

/** text[] (oid 1009), which pg-types does not name. */
export const TEXT_ARRAY_OID = 1009;

const postgresTextArray = (types.getTypeParser as (oid: number, format: 'text') => (text: string) => unknown[])(
  TEXT_ARRAY_OID,
  'text',
);

/** What makes PostgreSQL write an array element other than as its bare text: quotes, escapes, nesting. */
const NOT_BARE = /["\\{}]/;

/** An element PostgreSQL wrote bare that is no text: a NULL (a text "NULL" is written quoted). */
const BARE_NULL = /(^|,)null(,|$)/i;

/**
 * A one-dimensional text[] of bare elements as PostgreSQL writes it (`{landscape,sunset}`: the tags of an
 * asset), split at its commas, the same array as pg's own parser gives without its character-by-character
 * walk. Anything quoted, escaped, nested or holding a NULL is left to pg's parser.
 */
export function parseTextArray(text: string, otherwise = postgresTextArray): unknown[] {
  if (text === '{}') return [];
  const inner = text.slice(1, -1);
  if (text[0] !== '{' || text[text.length - 1] !== '}' || inner === '' || NOT_BARE.test(inner) || BARE_NULL.test(inner))
    return otherwise(text);
  return inner.split(',');
}

const ZERO = 48;

const isDigit = (code: number) => code >= ZERO && code <= ZERO + 9;

/** The digits of `text` from `start` to `end` as a number, or NaN where one is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + code - ZERO;
  }
  return value;
}

/** The offset `±HH` or `±HH:MM` at `start`, to the end of `text`, in minutes east of UTC; NaN for anything else. */
function offsetMinutes(text: string, start: number): number {
  const sign = text[start] === '+' ? 1 : text[start] === '-' ? -1 : 0;
  const rest = text.length - start;
  if (sign === 0 || (rest !== 3 && rest !== 6) || (rest === 6 && text[start + 3] !== ':')) return Number.NaN;
  const minutes = rest === 6 ? digits(text, start + 4, start + 6) : 0;
  return sign * (digits(text, start + 1, start + 3) * 60 + minutes);
}

/**
 * A timestamptz as PostgreSQL writes it in the ISO DateStyle (`2026-12-04 18:31:04.983+00`, any offset of whole
 * minutes, up to six digits of fraction), read by position: the same instant as pg's own parser gives, without
 * its regular expressions and their match arrays, three of them per asset row. Anything else (infinity, BC,
 * years before 1000, an offset with seconds, another DateStyle) is left to pg's parser.
 */
export function parseTimestamptz(text: string, otherwise = postgresDate): Date | number | null {
  if (
    text.length < 22 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== ' ' ||
    text[13] !== ':' ||
    text[16] !== ':'
  )
    return otherwise(text);
  let end = 19;
  let milliseconds = 0;
  if (text[19] === '.') {
    // Milliseconds from the first three digits of the fraction; the rest (microseconds) is cut, as Date keeps none.
    for (end = 20; end < 26 && isDigit(text.charCodeAt(end)); end++)
      if (end < 23) milliseconds += (text.charCodeAt(end) - ZERO) * 10 ** (22 - end);
    if (end === 20) return otherwise(text);
  }
  const year = digits(text, 0, 4);
  const offset = offsetMinutes(text, end);
  const instant =
    Date.UTC(
      year,
      digits(text, 5, 7) - 1,
      digits(text, 8, 10),
      digits(text, 11, 13),
      digits(text, 14, 16),
      digits(text, 17, 19),
      milliseconds,
    ) -
    offset * 60_000;
  return year >= 1000 && Number.isFinite(instant) ? new Date(instant) : otherwise(text);
}
