import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runMigrations } from '../src/prisma/migrate';
import { dropDatabase } from './support/global-teardown';
import { DATABASE_ONLY_COLUMNS, diffSchemaAgainstDatabase } from './support/schema-diff';
import { databaseUrlFor, newRunId } from './support/test-env';

const schemaPath = path.join(__dirname, '..', 'prisma', 'schema.prisma');

describe('prisma/schema.prisma and prisma/migrations agree', () => {
  const databaseName = `ce_schema_${newRunId()}`;
  const databaseUrl = databaseUrlFor(databaseName);
  const schema = readFileSync(schemaPath, 'utf8');

  beforeAll(() => runMigrations({ databaseUrl }));
  afterAll(() => dropDatabase(databaseName));

  it('every model, field, type, nullability, default, enum, index and foreign key matches a freshly migrated database', async () => {
    expect(await diffSchemaAgainstDatabase(schema, databaseUrl)).toEqual([]);
  });

  it('declares the database-only search column as Unsupported', () => {
    for (const columns of Object.values(DATABASE_ONLY_COLUMNS)) {
      for (const column of columns)
        expect(schema).toMatch(new RegExp(`\\b${column}\\s+Unsupported\\("tsvector"\\)\\?`));
    }
  });

  it('fails when the schema gains a field that no migration adds', async () => {
    const drifted = schema.replace(/(model CreativeAsset \{\n)/, '$1  addedWithoutMigration String?\n');
    expect(await diffSchemaAgainstDatabase(drifted, databaseUrl)).toEqual([
      'column creative_assets.addedWithoutMigration (CreativeAsset.addedWithoutMigration) is missing in the database',
    ]);
  });

  it('fails on a changed type, nullability, default, enum value or index', async () => {
    const drifted = schema
      .replace(/( {2}title\s+)String\n/, '$1String?\n')
      .replace(/( {2}viewCount\s+Int\s+)@default\(0\)/, '$1@default(1)')
      .replace(/(enum AssetType \{\n)/, '$1  model3d\n')
      .replace(/( {2}fileSize\s+)Int\?/, '$1BigInt?')
      .replace('@@index([userId, isFavorite])', '@@index([userId, isFavorite, type])');
    const problems = await diffSchemaAgainstDatabase(drifted, databaseUrl);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('enum AssetType'),
        expect.stringContaining('creative_assets.title: schema optional but database NOT NULL'),
        expect.stringContaining('creative_assets.viewCount: schema default 1 but database 0'),
        expect.stringContaining('creative_assets.fileSize: schema type bigint but database integer'),
        expect.stringContaining(
          'index creative_assets(userId asc, isFavorite asc, type asc) btree is declared in the schema but missing',
        ),
      ]),
    );
  });
});
