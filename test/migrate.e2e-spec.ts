import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, runMigrations } from '../src/prisma/migrate';
import { dropDatabase } from './support/global-teardown';
import { databaseUrlFor, newRunId } from './support/test-env';

async function query<T extends object>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migration runner (npm run db:migrate)', () => {
  const databases: string[] = [];
  let scratch: string;

  function freshDatabase(): string {
    const name = `ce_migrate_${newRunId()}`;
    databases.push(name);
    return databaseUrlFor(name);
  }

  async function copyOfMigrations(): Promise<string> {
    const dir = path.join(scratch, newRunId());
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    return dir;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'ce-migrations-'));
  });
  afterAll(async () => {
    await Promise.all(databases.map(dropDatabase));
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates the database, applies every migration once and records it as Prisma does', async () => {
    const databaseUrl = freshDatabase();
    const names = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

    expect(await runMigrations({ databaseUrl })).toEqual({ applied: names });
    expect(await runMigrations({ databaseUrl })).toEqual({ applied: [] });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      databaseUrl,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256')
          .update(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
      })),
    );
    expect(rows).toEqual(expected);
  });

  it('is safe to run from several processes at once: each migration is applied exactly once', async () => {
    const databaseUrl = freshDatabase();
    const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations({ databaseUrl })));
    const appliedTotal = results.flatMap((result) => result.applied);
    const rows = await query<{ migration_name: string }>(
      databaseUrl,
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    expect(appliedTotal.sort()).toEqual(rows.map((row) => row.migration_name).sort());
    expect(new Set(appliedTotal).size).toBe(appliedTotal.length);
  });

  it('refuses to run when an applied migration file changed, and changes nothing', async () => {
    const databaseUrl = freshDatabase();
    const dir = await copyOfMigrations();
    await runMigrations({ databaseUrl, migrationsDir: dir });
    const [first] = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    await appendFile(path.join(dir, first, 'migration.sql'), '\n-- edited after it was applied\n');
    await mkdir(path.join(dir, '99990101000000_later'));
    await writeFile(
      path.join(dir, '99990101000000_later', 'migration.sql'),
      'CREATE TABLE "should_not_exist" (id int);',
    );

    const refusal = runMigrations({ databaseUrl, migrationsDir: dir });
    await expect(refusal).rejects.toThrow(MigrationError);
    await expect(refusal).rejects.toThrow(`Migration ${first} was modified after it was applied`);
    const tables = await query(databaseUrl, `SELECT 1 FROM pg_tables WHERE tablename = 'should_not_exist'`);
    expect(tables).toHaveLength(0);
  });

  it('applies a migration in a transaction: a failing one leaves no trace and no record', async () => {
    const databaseUrl = freshDatabase();
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, '99990101000000_broken'));
    await writeFile(
      path.join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";',
    );
    await expect(runMigrations({ databaseUrl, migrationsDir: dir })).rejects.toThrow(
      /Migration 99990101000000_broken failed: .*no_such_table/,
    );
    expect(await query(databaseUrl, `SELECT 1 FROM pg_tables WHERE tablename = 'half_done'`)).toHaveLength(0);
    const recorded = await query<{ migration_name: string }>(
      databaseUrl,
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    expect(recorded.map((row) => row.migration_name)).not.toContain('99990101000000_broken');
    expect(recorded.length).toBeGreaterThan(0);
  });
});
