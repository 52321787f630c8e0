import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { EnvironmentVariables } from '../config/engine-config';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order. The Prisma CLI cannot run its schema
 * engine on offline machines, so this runner does what `prisma migrate deploy` does, recording each
 * migration in Prisma's own `_prisma_migrations` table (same columns, sha256 checksum of the file) so
 * that the CLI agrees with it wherever it does run.
 */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'prisma', 'migrations');

// Any constant works; it only has to be the same for every process migrating the same database.
const MIGRATION_LOCK_KEY = 72_707_369;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrationOptions {
  databaseUrl: string;
  migrationsDir?: string;
  log?: (message: string) => void;
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/** Creates the database named by the URL when it does not exist yet (first start on a fresh machine). */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return;
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
      // Another process created it meanwhile: duplicate_database, or a unique violation in pg_database.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
  } finally {
    await admin.end();
  }
}

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** The migrations not yet applied, after checking that none is half-applied and none was changed once applied. */
async function pendingMigrations(client: Client, migrations: MigrationFile[]): Promise<MigrationFile[]> {
  const { rows } = await client.query<AppliedMigration>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  const applied = new Map(rows.map((row) => [row.migration_name, row]));
  for (const row of rows) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished; resolve it before migrating again`,
      );
    }
  }
  for (const migration of migrations) {
    const record = applied.get(migration.name);
    if (record && record.checksum !== migration.checksum) {
      throw new MigrationError(
        `Migration ${migration.name} was modified after it was applied (checksum ${record.checksum} in the database, ${migration.checksum} on disk); add a new migration instead`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

/** One migration and its record in one transaction: a failing migration leaves no trace. */
async function applyMigration(client: Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
      id,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
}

export async function runMigrations(options: MigrationOptions): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  await ensureDatabase(options.databaseUrl);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    // Serialises concurrent runners (several instances starting at once); released with the session.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const pending = await pendingMigrations(client, migrations);
    for (const migration of pending) {
      await applyMigration(client, migration);
      log(`Applied migration ${migration.name}`);
    }
    if (pending.length === 0) log('No pending migrations');
    return { applied: pending.map((migration) => migration.name) };
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL || new EnvironmentVariables().DATABASE_URL;
  runMigrations({ databaseUrl, log: (message) => console.log(message) }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
