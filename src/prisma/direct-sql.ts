import { createHash } from 'node:crypto';
import { type CustomTypesConfig, DatabaseError, type Pool, types } from 'pg';
import { ServiceUnavailableError } from '../common/errors';
import { Prisma } from '../generated/prisma/client';
import { parseTextArray, parseTimestamptz, TEXT_ARRAY_OID } from './row-parsers';

/** SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P operator intervention, 53 insufficient resources. */
export const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;

/** What `pg` says when a connection ends under a query or none can be had in time (these carry no SQLSTATE). */
const LOST_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|EPIPE/i;

/**
 * numeric and int8 as Prisma's `$queryRaw` gives them (Decimal, BigInt); timestamptz and text[] as `pg` parses them,
 * read with less garbage where PostgreSQL wrote them plainly (row-parsers.ts); every other type as `pg` parses it.
 */
const PRISMA_RAW_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.NUMERIC) return (value: string) => new Prisma.Decimal(value);
    if (oid === types.builtins.INT8) return (value: string) => BigInt(value);
    if (format !== 'binary' && oid === types.builtins.TIMESTAMPTZ) return parseTimestamptz;
    if (format !== 'binary' && oid === TEXT_ARRAY_OID) return parseTextArray;
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

export type SqlInput = [sql: Prisma.Sql] | [strings: TemplateStringsArray, ...values: unknown[]];

/**
 * SQLSTATE 0A000 with this message: the result columns of a statement a connection holds prepared changed (a
 * migration added a column to a table it returns every column of).
 */
const CHANGED_RESULT_TYPE = /cached plan must not change result type/;

/**
 * Raw statements sent straight to the pool Prisma's driver adapter runs on, without Prisma's client in between:
 * the same SQL and the same rows as `$queryRaw` / `$executeRaw` (numeric as Decimal, int8 as BigInt), for less
 * than half of the client CPU per statement. For statements outside a transaction; a transaction's statements
 * stay on its Prisma client. A connection the database dropped or refused is a ServiceUnavailableError (503,
 * retryable), as it is through Prisma.
 *
 * With `prepare`, every statement is a named prepared statement, its name the hash of its text: each connection
 * parses it once, and PostgreSQL may keep its plan (a generic plan, once five runs showed it costs no more than
 * planning each run). That suits statements whose best plan does not depend on their values: a row by its key,
 * the stats, which read a user's rollups by their key however many assets the user has, an unfiltered page of
 * assets, a walk of the sort column's index, or a search's bounded walk of the date index. A filtered page is not
 * one of them (whether a tag or a search term is better found through its index or by walking the sort order
 * depends on how many rows match), and is planned for its values.
 */
export class DirectSql {
  /** Part of every statement name: changed when a prepared statement's result columns changed under it. */
  private generation = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: { prepare: boolean } = { prepare: false },
  ) {}

  /** The rows of a query (`T` is the array of them), given as a Prisma.Sql or as a tagged template, like `$queryRaw`. */
  async query<T = unknown[]>(...input: SqlInput): Promise<T> {
    return (await this.run(input)).rows as T;
  }

  /** How many rows a statement changed, like `$executeRaw`. */
  async execute(...input: SqlInput): Promise<number> {
    return (await this.run(input)).rowCount ?? 0;
  }

  private async run(input: SqlInput) {
    const statement = toStatement(input);
    try {
      try {
        return await this.send(statement);
      } catch (error) {
        if (!(this.options.prepare && isChangedResultType(error))) throw error;
        // Failed before it ran, so it runs again: under new names, which every connection prepares afresh.
        this.generation += 1;
        return await this.send(statement);
      }
    } catch (error) {
      if (isUnavailable(error)) {
        throw new ServiceUnavailableError(
          'The database is unavailable or dropped the connection; try again shortly',
          undefined,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private send(statement: { text: string; values: unknown[] }) {
    const name = this.options.prepare ? { name: this.nameOf(statement.text) } : {};
    return this.pool.query({ ...statement, ...name, types: PRISMA_RAW_TYPES });
  }

  private nameOf(text: string): string {
    return `ce${this.generation}_${createHash('sha1').update(text).digest('base64url')}`;
  }
}

/** The text and parameters `pg` is sent for a statement given as `$queryRaw` takes it. */
export function toStatement(input: SqlInput): { text: string; values: unknown[] } {
  const [first, ...values] = input;
  const sql = first instanceof Prisma.Sql ? first : Prisma.sql(first, ...values);
  return { text: sql.text, values: sql.values.map(toParameter) };
}

/** A Decimal as its digits: `pg` would send an object as JSON, quotes included. */
function toParameter(value: unknown): unknown {
  return Prisma.Decimal.isDecimal(value) ? value.toString() : value;
}

function isChangedResultType(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === '0A000' && CHANGED_RESULT_TYPE.test(error.message);
}

function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  return error instanceof Error && LOST_CONNECTION.test(`${error.message} ${(error as { code?: string }).code ?? ''}`);
}
