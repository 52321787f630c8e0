import { type CustomTypesConfig, DatabaseError, type Pool, types } from 'pg';
import { ServiceUnavailableError } from '../common/errors';
import { Prisma } from '../generated/prisma/client';

/** SQLSTATE classes of a lost or refused connection: 08 connection exception, 57P operator intervention, 53 insufficient resources. */
export const UNAVAILABLE_SQLSTATE = /^(08|57P|53)/;

/** What `pg` says when a connection ends under a query or none can be had in time (these carry no SQLSTATE). */
const LOST_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|EPIPE/i;

/** numeric and int8 as Prisma's `$queryRaw` gives them (Decimal, BigInt); every other type as `pg` parses it. */
const PRISMA_RAW_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.NUMERIC) return (value: string) => new Prisma.Decimal(value);
    if (oid === types.builtins.INT8) return (value: string) => BigInt(value);
    return types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

export type SqlInput = [sql: Prisma.Sql] | [strings: TemplateStringsArray, ...values: unknown[]];

/**
 * Raw statements sent straight to the pool Prisma's driver adapter runs on, without Prisma's client in between:
 * the same SQL and the same rows as `$queryRaw` / `$executeRaw` (numeric as Decimal, int8 as BigInt), for less
 * than half of the client CPU per statement. For statements outside a transaction; a transaction's statements
 * stay on its Prisma client. A connection the database dropped or refused is a ServiceUnavailableError (503,
 * retryable), as it is through Prisma.
 */
export class DirectSql {
  constructor(private readonly pool: Pool) {}

  /** The rows of a query (`T` is the array of them), given as a Prisma.Sql or as a tagged template, like `$queryRaw`. */
  async query<T = unknown[]>(...input: SqlInput): Promise<T> {
    return (await this.run(input)).rows as T;
  }

  /** How many rows a statement changed, like `$executeRaw`. */
  async execute(...input: SqlInput): Promise<number> {
    return (await this.run(input)).rowCount ?? 0;
  }

  private async run(input: SqlInput) {
    try {
      return await this.pool.query({ ...toStatement(input), types: PRISMA_RAW_TYPES });
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

function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseError) return UNAVAILABLE_SQLSTATE.test(error.code ?? '');
  return error instanceof Error && LOST_CONNECTION.test(`${error.message} ${(error as { code?: string }).code ?? ''}`);
}
