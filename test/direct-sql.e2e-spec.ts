import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { ASSET_ROW_COLUMNS } from '../src/assets/asset-sql';
import { ServiceUnavailableError } from '../src/common/errors';
import { Prisma } from '../src/generated/prisma/client';
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

  it('leaves other database errors as they are (a 500, as through $queryRaw)', async () => {
    await expect(t.prisma.direct.query`SELECT * FROM no_such_table`).rejects.toMatchObject({ code: '42P01' });
  });
});
