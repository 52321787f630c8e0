import { Client, Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { ASSET_ROW_COLUMNS } from '../src/assets/asset-sql';
import { AssetStatsService } from '../src/assets/asset-stats.service';
import { AssetsService } from '../src/assets/assets.service';
import { StoredFilesRepository } from '../src/assets/stored-files.repository';
import { ServiceUnavailableError } from '../src/common/errors';
import { Prisma } from '../src/generated/prisma/client';
import { GenerationJobsRepository } from '../src/jobs/generation-jobs.repository';
import { RENDER_STEPS } from '../src/jobs/render-steps';
import { DirectSql } from '../src/prisma/direct-sql';
import { PrismaService } from '../src/prisma/prisma.service';
import { createTestApp, TestApp } from './support/app';
import { assetRow, jobRow, newUserId } from './support/factories';
import { waitFor } from './support/image-jobs';

describe('DirectSql: raw statements on the pool without the Prisma client', () => {
  let t: TestApp;
  let monitor: Client;

  beforeAll(async () => {
    t = await createTestApp({ WORKER_ENABLED: 'false' });
    monitor = new Client({ connectionString: t.config.databaseUrl });
    await monitor.connect();
  });
  afterAll(async () => {
    await monitor?.end();
    await t?.close();
  });

  it('gives the same rows as $queryRaw for every column of an asset and of a job (numeric as Decimal, int8 as BigInt)', async () => {
    const userId = newUserId();
    const [job] = [jobRow(userId, { cost: new Prisma.Decimal('0.040000'), parameters: { size: '1024x1024', n: 2 } })];
    await t.prisma.generationJob.create({ data: job as Prisma.GenerationJobUncheckedCreateInput });
    const asset = assetRow(userId, {
      type: 'image',
      generationId: job.id,
      cost: new Prisma.Decimal('0.020000'),
      fileSize: 123_456,
      width: 1024,
      height: 768,
      guidance: 7.5,
      tags: ['harbour', 'dawn'],
      metadata: { placeholder: true, palette: ['#123456'] },
      isFavorite: true,
      lastUsedAt: new Date('2026-11-30T10:11:12.345Z'),
    });
    await t.prisma.creativeAsset.create({ data: asset as Prisma.CreativeAssetUncheckedCreateInput });

    // Every column but searchVector, whose tsvector Prisma's $queryRaw cannot deserialize.
    const assetRowSql = Prisma.sql`SELECT ${ASSET_ROW_COLUMNS}, a."storageKey", a."thumbnailKey" FROM creative_assets a WHERE a.id = ${asset.id}`;
    const assetThroughPrisma = await t.prisma.$queryRaw<unknown[]>(assetRowSql);
    const assetDirect = await t.prisma.direct.query<unknown[]>(assetRowSql);
    expect(assetDirect).toEqual(assetThroughPrisma);
    expect(assetDirect[0]).toMatchObject({ cost: new Prisma.Decimal('0.02'), tags: ['harbour', 'dawn'] });

    const jobThroughPrisma = await t.prisma.$queryRaw<unknown[]>`SELECT * FROM generation_jobs WHERE id = ${job.id}`;
    const jobDirect = await t.prisma.direct.query<unknown[]>(
      Prisma.sql`SELECT * FROM generation_jobs WHERE id = ${job.id}`,
    );
    expect(jobDirect).toEqual(jobThroughPrisma);

    const counted = Prisma.sql`SELECT count(*) AS n, sum("fileSize")::numeric AS bytes FROM creative_assets WHERE "userId" = ${userId}`;
    expect(await t.prisma.direct.query(counted)).toEqual(await t.prisma.$queryRaw(counted));
    expect(await t.prisma.direct.query(counted)).toEqual([{ n: 1n, bytes: new Prisma.Decimal(123_456) }]);
  });

  it('sends Decimal, BigInt, Date and array parameters as Prisma does', async () => {
    const at = new Date('2026-12-01T00:00:00.000Z');
    const statement = Prisma.sql`SELECT ${new Prisma.Decimal('1.250')}::numeric AS price, ${12n}::int8 AS big,
      ${at}::timestamptz AS at, ${['a', 'b']}::text[] AS letters`;
    const [row] = await t.prisma.direct.query<Record<string, unknown>[]>(statement);
    expect(row).toEqual({ price: new Prisma.Decimal('1.25'), big: 12n, at, letters: ['a', 'b'] });
    expect([row]).toEqual(await t.prisma.$queryRaw(statement));
  });

  it('counts the rows a statement changed, as $executeRaw does', async () => {
    const userId = newUserId();
    await t.prisma.creativeAsset.createMany({
      data: [assetRow(userId), assetRow(userId)] as Prisma.CreativeAssetCreateManyInput[],
    });
    expect(
      await t.prisma.direct.execute`UPDATE creative_assets SET "isFavorite" = true WHERE "userId" = ${userId}`,
    ).toBe(2);
    expect(
      await t.prisma.direct.execute`UPDATE creative_assets SET "isFavorite" = true WHERE id = ${randomUUID()}::uuid`,
    ).toBe(0);
  });

  it('turns a connection the database dropped under a query into a retryable 503 error, and the pool recovers', async () => {
    const marker = `direct-sql-dropped-${Date.now()}`;
    const sleeping = t.prisma.direct.query(Prisma.sql`SELECT pg_sleep(30), ${marker}::text AS marker`);
    const pid = await waitFor(async () => {
      const { rows } = await monitor.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      return rows[0]?.pid;
    }, 'the statement to run');
    await monitor.query('SELECT pg_terminate_backend($1)', [pid]);

    const failure = await sleeping.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await t.prisma.direct.query`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  describe('prepared statements', () => {
    let pool: Pool;
    beforeEach(() => {
      // One connection, so that every statement meets the prepared statements of the ones before.
      pool = new Pool({ connectionString: t.config.databaseUrl, max: 1 });
    });
    afterEach(() => pool.end());

    const preparedTexts = async () =>
      (await pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
        (row) => row.statement,
      );

    it('are prepared once per connection and text, whatever their values; `direct` prepares nothing', async () => {
      const prepared = new DirectSql(pool, { prepare: true });
      for (const value of [1, 2, 3]) expect(await prepared.query`SELECT ${value}::int AS value`).toEqual([{ value }]);
      expect(await prepared.execute`SELECT ${'other'}::text AS other`).toBe(1);
      expect(await preparedTexts()).toEqual(
        expect.arrayContaining(['SELECT $1::int AS value', 'SELECT $1::text AS other']),
      );
      expect(await preparedTexts()).toHaveLength(2);
      await new DirectSql(pool).query`SELECT ${4}::int AS direct`;
      expect(await preparedTexts()).toHaveLength(2);
    });

    it('whose result columns a migration changed run again, prepared afresh', async () => {
      const table = Prisma.raw(`"direct_sql_probe_${randomUUID().slice(0, 8)}"`);
      const prepared = new DirectSql(pool, { prepare: true });
      await prepared.execute`CREATE TABLE ${table} ("id" int PRIMARY KEY)`;
      await prepared.execute`INSERT INTO ${table} VALUES (1)`;
      const row = () => prepared.query(Prisma.sql`SELECT * FROM ${table} WHERE "id" = ${1}`);
      try {
        expect(await row()).toEqual([{ id: 1 }]);
        await prepared.execute`ALTER TABLE ${table} ADD COLUMN "label" text NOT NULL DEFAULT 'added'`;
        expect(await row()).toEqual([{ id: 1, label: 'added' }]);
        expect(await row()).toEqual([{ id: 1, label: 'added' }]);
      } finally {
        await prepared.execute`DROP TABLE ${table}`;
      }
    });

    it('are what `prepared` sends, unless DATABASE_PREPARED_STATEMENTS is false', async () => {
      for (const databasePreparedStatements of [true, false]) {
        const prisma = new PrismaService({ ...t.config, databasePoolSize: 1, databasePreparedStatements });
        try {
          await prisma.prepared.query`SELECT ${databasePreparedStatements}::boolean AS flag`;
          const texts = await prisma.direct.query<
            { statement: string }[]
          >`SELECT statement FROM pg_prepared_statements`;
          expect(texts.map((row) => row.statement)).toEqual(
            databasePreparedStatements ? ['SELECT $1::boolean AS flag'] : [],
          );
        } finally {
          await prisma.close();
        }
      }
    });

    it("of the job pipeline are planned once: after PostgreSQL's five custom plans, it keeps a generic one", async () => {
      const prisma = new PrismaService({ ...t.config, databasePoolSize: 1, databasePreparedStatements: true });
      const files = new StoredFilesRepository(prisma);
      const jobs = new GenerationJobsRepository(prisma);
      const userId = newUserId();
      try {
        for (let run = 0; run < 8; run++) {
          const job = jobRow(userId);
          await t.prisma.generationJob.create({ data: job as Prisma.GenerationJobUncheckedCreateInput });
          await jobs.claim(job.id, RENDER_STEPS.generating, 3);
          const reservations = [0, 1].map((index) => ({
            intentId: randomUUID(),
            checksum: `checksum-${run}-${index}`,
            newKey: `2026/12/${randomUUID()}.png`,
            byteSize: 10 + index,
          }));
          const held = await files.holdOrReserve(userId, reservations, jobs.advanceSql(job.id, RENDER_STEPS.storing));
          expect(held).toEqual(reservations.map(({ newKey }) => ({ key: newKey, writeBytes: true })));
          const intents = reservations.map((reservation) => reservation.intentId);
          expect(await prisma.prepared.execute(files.clearIntentsWhenSql(intents, Prisma.sql`true`))).toBe(2);
        }
        const plans = await prisma.direct.query<{ statement: string; generic_plans: bigint; custom_plans: bigint }[]>`
          SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`;
        const planOf = (fragment: string) => plans.find((plan) => plan.statement.includes(fragment));
        for (const fragment of ['SET "status" = \'processing\'', 'jsonb_to_recordset', 'DELETE FROM "storage_intents"'])
          expect(planOf(fragment)).toMatchObject({ custom_plans: 5n, generic_plans: 3n });
      } finally {
        await prisma.close();
      }
    });

    it('carry the statements whose plan does not depend on their values, and not a filtered page of assets', async () => {
      const jobs = t.app.get(GenerationJobsRepository);
      const assets = t.app.get(AssetsService);
      const stats = t.app.get(AssetStatsService);
      const userId = newUserId();
      const job = jobRow(userId);
      await t.prisma.generationJob.create({ data: job as Prisma.GenerationJobUncheckedCreateInput });
      const asset = await assets.saveAsset(userId, { type: 'text', sourceModule: 'notes', title: 'n', content: 'x' });
      const prepared = [jest.spyOn(t.prisma.prepared, 'query'), jest.spyOn(t.prisma.prepared, 'execute')];
      const direct = jest.spyOn(t.prisma.direct, 'query');
      const sentPrepared = () => prepared.reduce((calls, spy) => calls + spy.mock.calls.length, 0);
      try {
        expect(await jobs.claim(job.id, RENDER_STEPS.generating, 3)).toMatchObject({ status: 'processing' });
        expect(await jobs.advance(job.id, RENDER_STEPS.storing)).toBe(true);
        expect(await assets.getAsset(userId, asset.id)).toMatchObject({ id: asset.id });
        expect(await assets.toggleFavorite(userId, asset.id)).toMatchObject({ isFavorite: true });
        // The stats: the user's revision, then the answer.
        expect(await stats.getStats(userId, {})).toMatchObject({ totalAssets: 1 });
        expect(sentPrepared()).toBe(6);
        expect(direct).not.toHaveBeenCalled();
        expect((await assets.listAssets(userId, {})).items).toHaveLength(1);
        expect(sentPrepared()).toBe(7);
        expect(direct).not.toHaveBeenCalled();
        expect((await assets.listAssets(userId, { type: 'text', search: 'x' })).items).toHaveLength(1);
        expect(direct).toHaveBeenCalledTimes(1);
        expect(sentPrepared()).toBe(7);
      } finally {
        [...prepared, direct].forEach((spy) => spy.mockRestore());
      }
    });
  });

  it('leaves other database errors as they are (a 500, as through $queryRaw)', async () => {
    await expect(t.prisma.direct.query`SELECT * FROM no_such_table`).rejects.toMatchObject({ code: '42P01' });
  });
});
