import fc from 'fast-check';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';

/**
 * GET /assets/stats is answered from creative_asset_rollups (per day), creative_asset_month_rollups and
 * creative_asset_day_totals, which a trigger keeps in the transaction of every change it counts. After random
 * inserts, updates, deletes and concurrent usage posts, each must equal a recount of the assets, and the stats
 * of any range (whole months, parts of months, parts of days) must equal the same stats recounted from the
 * assets alone.
 */

const DAY_MS = 86_400_000;
/** Ten weeks from late February: the assets and the ranges cross the ends of February, March and April. */
const START = Date.UTC(2026, 1, 20);
const SPAN_MS = 70 * DAY_MS;
const TYPES = ['image', 'text', 'audio'] as const;
const MODULES = ['image_generation', 'content_creation', 'crm'] as const;
const PROVIDERS = [null, 'openai', 'stability'] as const;
const MODELS = [null, 'gpt-image-2', 'core'] as const;
const ACTIONS = ['view', 'download', 'share', 'use'] as const;

const instant = fc.integer({ min: 0, max: SPAN_MS - 1 }).map((offset) => new Date(START + offset));
const countedFields = fc.record(
  {
    type: fc.constantFrom(...TYPES),
    sourceModule: fc.constantFrom(...MODULES),
    provider: fc.constantFrom(...PROVIDERS),
    model: fc.constantFrom(...MODELS),
    cost: fc.option(fc.integer({ min: 0, max: 5_000_000 }).map((micros) => (micros / 1e6).toFixed(6))),
    fileSize: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
    createdAt: instant,
    viewCount: fc.nat(50),
  },
  { requiredKeys: [] },
);

type Operation =
  | { kind: 'insert'; fields: Record<string, unknown> }
  | { kind: 'update'; target: number; fields: Record<string, unknown> }
  | { kind: 'rename'; target: number }
  | { kind: 'delete'; target: number }
  | { kind: 'usage'; target: number; action: (typeof ACTIONS)[number]; times: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: countedFields.map((fields) => ({ kind: 'insert' as const, fields })) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('update' as const), target: fc.nat(), fields: countedFields }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('usage' as const),
      target: fc.nat(),
      action: fc.constantFrom(...ACTIONS),
      times: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

/** Range ends often fall on a midnight or the first of a month, as a dashboard's do. */
const rangeEnd = fc.oneof(
  instant,
  instant.map((at) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS)),
  instant.map((at) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1))),
);
const range = fc
  .tuple(fc.option(rangeEnd), fc.option(rangeEnd))
  .filter(([from, to]) => !from || !to || from < to)
  .map(([from, to]) => ({ createdFrom: from?.toISOString(), createdTo: to?.toISOString() }));

interface RecountRow {
  day: string;
  type: string;
  sourceModule: string;
  provider: string;
  model: string;
  count: number;
  cost: string;
  bytes: string;
  views: string;
  downloads: string;
  shares: string;
  uses: string;
}

describe('asset stats rollups', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
  });

  afterAll(async () => {
    await t.close();
  });

  /** Each rollup table, and the UTC day or month of an asset it counts that asset in. */
  const PERIODS = {
    day: { table: 'creative_asset_rollups', column: 'day', ofAsset: `("createdAt" AT TIME ZONE 'UTC')::date` },
    month: {
      table: 'creative_asset_month_rollups',
      column: 'month',
      ofAsset: `date_trunc('month', "createdAt" AT TIME ZONE 'UTC')`,
    },
  } as const;

  const rollupsOf = (userId: string, period: keyof typeof PERIODS = 'day') =>
    t.prisma.$queryRawUnsafe<RecountRow[]>(
      `SELECT to_char("${PERIODS[period].column}", 'YYYY-MM-DD') AS "day", "type"::text AS "type", "sourceModule",
              "provider", "model", "count", "cost"::text AS "cost", "bytes"::text AS "bytes", "views"::text AS "views",
              "downloads"::text AS "downloads", "shares"::text AS "shares", "uses"::text AS "uses"
       FROM "${PERIODS[period].table}" WHERE "userId" = $1
       ORDER BY 1, 2, 3, 4, 5`,
      userId,
    );

  const recountOf = (userId: string, period: keyof typeof PERIODS = 'day') =>
    t.prisma.$queryRawUnsafe<RecountRow[]>(
      `SELECT to_char(${PERIODS[period].ofAsset}, 'YYYY-MM-DD') AS "day", "type"::text AS "type",
              "sourceModule", coalesce("provider", '') AS "provider", coalesce("model", '') AS "model",
              count(*)::int AS "count", coalesce(sum("cost"), 0)::numeric(18,6)::text AS "cost",
              coalesce(sum("fileSize"), 0)::text AS "bytes", sum("viewCount")::text AS "views",
              sum("downloadCount")::text AS "downloads", sum("shareCount")::text AS "shares",
              sum("useCount")::text AS "uses"
       FROM "creative_assets" WHERE "userId" = $1
       GROUP BY 1, 2, 3, 4, 5
       ORDER BY 1, 2, 3, 4, 5`,
      userId,
    );

  const dayTotalsOf = (userId: string) =>
    t.prisma.$queryRaw<{ day: string; count: number; cost: string }[]>`
      SELECT to_char("day", 'YYYY-MM-DD') AS "day", "count", "cost"::text AS "cost"
      FROM "creative_asset_day_totals" WHERE "userId" = ${userId} ORDER BY 1`;

  const dayTotalsRecountOf = (userId: string) =>
    t.prisma.$queryRaw<{ day: string; count: number; cost: string }[]>`
      SELECT to_char(("createdAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day", count(*)::int AS "count",
             coalesce(sum("cost"), 0)::numeric(18,6)::text AS "cost"
      FROM "creative_assets" WHERE "userId" = ${userId} GROUP BY 1 ORDER BY 1`;

  /** The stats of a range counted from the assets alone: what the service answered before the rollups. */
  async function recountedStats(userId: string, query: { createdFrom?: string; createdTo?: string }) {
    const rows = await t.prisma.$queryRawUnsafe<
      {
        type: string;
        sourceModule: string;
        provider: string | null;
        model: string | null;
        day: string;
        n: number;
        cost: number;
      }[]
    >(
      `SELECT "type"::text AS "type", "sourceModule", "provider", "model",
              to_char(("createdAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day", 1 AS "n",
              coalesce("cost", 0)::float8 AS "cost", "viewCount", "downloadCount", "shareCount", "useCount"
       FROM "creative_assets"
       WHERE "userId" = $1 AND ($2::timestamptz IS NULL OR "createdAt" >= $2) AND ($3::timestamptz IS NULL OR "createdAt" < $3)`,
      userId,
      query.createdFrom ?? null,
      query.createdTo ?? null,
    );
    const group = (key: (row: (typeof rows)[number]) => string) => {
      const groups = new Map<string, { count: number; cost: number }>();
      for (const row of rows) {
        const entry = groups.get(key(row)) ?? { count: 0, cost: 0 };
        groups.set(key(row), { count: entry.count + 1, cost: entry.cost + row.cost });
      }
      return [...groups.entries()]
        .map(([name, { count, cost }]) => `${name}:${count}:${Math.round(cost * 1e6)}`)
        .sort();
    };
    return {
      total: rows.length,
      byType: group((row) => row.type),
      bySourceModule: group((row) => row.sourceModule),
      byProvider: group((row) => String(row.provider)),
      byModel: group((row) => `${row.provider}/${row.model}`),
      byDay: group((row) => row.day),
    };
  }

  async function answeredStats(userId: string, query: { createdFrom?: string; createdTo?: string }) {
    const { body } = await t.http
      .get(`${BASE}/assets/stats`)
      .query(Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)))
      .set(bearer(userId))
      .expect(200);
    const listed = (entries: { count: number; cost: number }[], name: (entry: never) => string) =>
      entries.map((entry) => `${name(entry as never)}:${entry.count}:${Math.round(entry.cost * 1e6)}`).sort();
    return {
      total: body.totalAssets as number,
      byType: listed(body.byType, (entry: { type: string }) => entry.type),
      bySourceModule: listed(body.bySourceModule, (entry: { sourceModule: string }) => entry.sourceModule),
      byProvider: listed(body.costByProvider, (entry: { provider: string | null }) => String(entry.provider)),
      byModel: listed(
        body.costByModel,
        (entry: { provider: string | null; model: string | null }) => `${entry.provider}/${entry.model}`,
      ),
      byDay: listed(body.costByDay, (entry: { day: string }) => entry.day),
    };
  }

  async function apply(userId: string, ids: string[], step: Operation): Promise<void> {
    const target = 'target' in step && ids.length > 0 ? ids[step.target % ids.length] : undefined;
    switch (step.kind) {
      case 'insert': {
        const row = assetRow(userId, step.fields);
        await t.prisma.creativeAsset.create({ data: row as never });
        ids.push(row.id);
        return;
      }
      case 'update':
        if (target) await t.prisma.creativeAsset.update({ where: { id: target }, data: step.fields as never });
        return;
      case 'rename':
        if (target)
          await t.prisma.creativeAsset.update({ where: { id: target }, data: { title: `Renamed ${target}` } });
        return;
      case 'delete':
        if (!target) return;
        await t.http.delete(`${BASE}/asset/${target}`).set(bearer(userId)).expect(200);
        ids.splice(ids.indexOf(target), 1);
        return;
      case 'usage':
        if (!target) return;
        // Concurrent posts on one asset: each must count once in its rollup row.
        await Promise.all(
          Array.from({ length: step.times }, () =>
            t.http.post(`${BASE}/asset/${target}/usage`).set(bearer(userId)).send({ action: step.action }).expect(200),
          ),
        );
        return;
    }
  }

  it('equal a recount after random inserts, updates, deletes and concurrent usage posts, for any range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 25 }),
        fc.array(range, { maxLength: 3 }),
        async (steps, ranges) => {
          const userId = newUserId('rollups');
          const ids: string[] = [];
          for (const step of steps) {
            await apply(userId, ids, step);
            // Asked after every change: an answer remembered from before it must not be sent again.
            expect(await answeredStats(userId, {})).toEqual(await recountedStats(userId, {}));
          }
          expect(await rollupsOf(userId)).toEqual(await recountOf(userId));
          expect(await rollupsOf(userId, 'month')).toEqual(await recountOf(userId, 'month'));
          expect(await dayTotalsOf(userId)).toEqual(await dayTotalsRecountOf(userId));
          for (const query of [{}, ...ranges])
            expect(await answeredStats(userId, query)).toEqual(await recountedStats(userId, query));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('backfills the assets that existed before the rollups (the migration counts them once)', async () => {
    const userId = newUserId('backfill');
    await t.prisma.creativeAsset.createMany({
      data: [
        assetRow(userId, { type: 'image', cost: '0.040000', createdAt: new Date(START), viewCount: 2 }),
        assetRow(userId, { type: 'image', cost: '0.010000', createdAt: new Date(START + 1000) }),
      ] as never,
    });
    // Undo what the trigger did and recount the way the migration does.
    await t.prisma.$executeRaw`DELETE FROM "creative_asset_rollups" WHERE "userId" = ${userId}`;
    const migration = await import('node:fs').then((fs) =>
      fs.readFileSync('prisma/migrations/20261202100000_asset_stats_rollups/migration.sql', 'utf8'),
    );
    const backfill = migration.slice(migration.indexOf('-- Backfill'), migration.indexOf('GROUP BY 1, 2, 3, 4, 5, 6;'));
    await t.prisma.$executeRawUnsafe(
      `${backfill.replace('FROM "creative_assets"', 'FROM "creative_assets" WHERE "userId" = $1')} GROUP BY 1, 2, 3, 4, 5, 6`,
      userId,
    );
    expect(await rollupsOf(userId)).toEqual(await recountOf(userId));
    expect((await rollupsOf(userId))[0]).toMatchObject({ count: 2, cost: '0.050000', views: '2' });
  });

  it('backfills the month rollups and day totals from the per-day rollups (the migration counts them once)', async () => {
    const userId = newUserId('backfill-months');
    await t.prisma.creativeAsset.createMany({
      data: [
        assetRow(userId, { type: 'image', cost: '0.040000', createdAt: new Date(START), viewCount: 2 }),
        assetRow(userId, { type: 'image', cost: '0.010000', createdAt: new Date(START + 12 * DAY_MS) }),
        assetRow(userId, { type: 'text', createdAt: new Date(START + 12 * DAY_MS + 1000) }),
      ] as never,
    });
    await t.prisma.$executeRaw`DELETE FROM "creative_asset_month_rollups" WHERE "userId" = ${userId}`;
    await t.prisma.$executeRaw`DELETE FROM "creative_asset_day_totals" WHERE "userId" = ${userId}`;
    const migration = await import('node:fs').then((fs) =>
      fs.readFileSync('prisma/migrations/20261205100000_asset_stats_month_rollups/migration.sql', 'utf8'),
    );
    const backfills = migration
      .slice(migration.indexOf('-- Backfill'))
      .split(';')
      .filter((statement) => statement.includes('INSERT INTO'));
    expect(backfills).toHaveLength(2);
    for (const backfill of backfills)
      await t.prisma.$executeRawUnsafe(
        backfill.replace('FROM "creative_asset_rollups"', 'FROM "creative_asset_rollups" WHERE "userId" = $1'),
        userId,
      );
    expect(await rollupsOf(userId, 'month')).toEqual(await recountOf(userId, 'month'));
    expect(await dayTotalsOf(userId)).toEqual(await dayTotalsRecountOf(userId));
    expect(await rollupsOf(userId, 'month')).toMatchObject([
      { day: '2026-02-01', type: 'image', count: 1, cost: '0.040000', views: '2' },
      { day: '2026-03-01', type: 'image', count: 1, cost: '0.010000' },
      { day: '2026-03-01', type: 'text', count: 1 },
    ]);
  });
});
