import { Prisma } from '../generated/prisma/client';

/** A table rows are inserted into as objects: its name and its columns in the table's order (Prisma's scalar fields). */
export interface RowTable {
  name: string;
  columns: readonly string[];
}

export function rowTable(name: string, scalarFields: Record<string, string>): RowTable {
  return { name, columns: Object.values(scalarFields) };
}

/**
 * An INSERT of rows given as objects, one statement whatever their number: they travel as one JSON parameter
 * that jsonb_populate_recordset types column by column as the table declares them. A column no row sets keeps
 * its default, one that only some rows set is NULL in the others, and "updatedAt" is the statement's time, as
 * Prisma's create sets it. `computed` columns take an SQL expression's value instead (the same for every row).
 * With `when`, the rows are inserted only when it holds (a part of a caller's statement).
 */
export function insertRowsSql(
  table: RowTable,
  rows: readonly object[],
  options: { computed?: Readonly<Record<string, Prisma.Sql>>; when?: Prisma.Sql; returning?: Prisma.Sql } = {},
): Prisma.Sql {
  const computed = Object.entries(options.computed ?? {});
  for (const [column] of computed) assertColumn(table, column);
  const computedNames = new Set(computed.map(([column]) => column));
  const given = insertedColumns(table, rows).filter((column) => !computedNames.has(column));
  const names = [...given, ...computedNames, 'updatedAt'].map(quoted);
  const values = [...given.map(quoted), ...computed.map(([, value]) => value), Prisma.sql`now()`];
  const name = quoted(table.name);
  return Prisma.sql`
    INSERT INTO ${name} (${Prisma.join(names, ', ')})
    SELECT ${Prisma.join(values, ', ')} FROM jsonb_populate_recordset(NULL::${name}, ${rowsAsJson(rows)}::jsonb)
    ${options.when ? Prisma.sql`WHERE ${options.when}` : Prisma.empty}
    ${options.returning ? Prisma.sql`RETURNING ${options.returning}` : Prisma.empty}`;
}

const quoted = (identifier: string) => Prisma.raw(`"${identifier}"`);

function assertColumn(table: RowTable, column: string): void {
  if (!table.columns.includes(column)) throw new Error(`${table.name} has no column ${column}`);
}

/** The columns the rows set (a value other than undefined), in the table's order; refuses a key that is no column. */
function insertedColumns(table: RowTable, rows: readonly object[]): string[] {
  const set = new Set(
    rows.flatMap((row) =>
      Object.entries(row)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key),
    ),
  );
  for (const key of set) assertColumn(table, key);
  return table.columns.filter((column) => column !== 'updatedAt' && set.has(column));
}

/**
 * Rows as JSON for jsonb_populate_recordset: a BigInt as its digits, a Decimal and a Date as their toJSON gives
 * them, Prisma.DbNull as SQL NULL. A JSON null inside a column cannot travel this way and is refused.
 */
function rowsAsJson(rows: readonly object[]): string {
  return JSON.stringify(rows, (key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value === Prisma.DbNull) return null;
    if (value === Prisma.JsonNull || value === Prisma.AnyNull)
      throw new Error(`${key}: a JSON null cannot be inserted here`);
    return value;
  });
}
