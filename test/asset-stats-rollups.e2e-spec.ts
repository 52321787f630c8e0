import fc from 'fast-check';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';

/**
 * GET /assets/stats is answered from creative_asset_rollups, which a trigger keeps in the transaction of
 * every change it counts. After random inserts, updates, deletes and concurrent usage posts, the rollups
 * must equal a recount of the assets, and the stats of any range must equal the same stats recounted from
 * the assets alone.
 */

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 2, 1);
const TYPES = ['image', 'text', 'audio'] as const;
const MODULES = ['image_generation', 'content_creation', 'crm'] as const;
const PROVIDERS = [null, 'openai', 'stability'] as const;
const MODELS = [null, 'gpt-image-2', 'core'] as const;
const ACTIONS = ['view', 'download', 'share', 'use'] as const;

const instant = fc.integer({ min: 0, max: 5 * DAY_MS - 1 }).map((offset) => new Date(START + offset));
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

const range = fc
  .tuple(fc.option(instant), fc.option(instant))
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

  const rollupsOf = (userId: string) =>
    t.prisma.$queryRaw<RecountRow[]>`
      SELECT to_char("day", 'YYYY-MM-DD') AS "day", "type"::text AS "type", "sourceModule", "provider", "model",
             "count", "cost"::text AS "cost", "bytes"::text AS "bytes", "views"::text AS "views",
             "downloads"::text AS "downloads", "shares"::text AS "shares", "uses"::text AS "uses"
      FROM "creative_asset_rollups" WHERE "userId" = ${userId}
      ORDER BY 1, 2, 3, 4, 5`;

  const recountOf = (userId: string) =>
    t.prisma.$queryRaw<RecountRow[]>`
      SELECT to_char(("createdAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day", "type"::text AS "type",
             "sourceModule", coalesce("provider", '') AS "provider", coalesce("model", '') AS "model",
             count(*)::int AS "count", coalesce(sum("cost"), 0)::numeric(18,6)::text AS "cost",
             coalesce(sum("fileSize"), 0)::text AS "bytes", sum("viewCount")::text AS "views",
             sum("downloadCount")::text AS "downloads", sum("shareCount")::text AS "shares",
             sum("useCount")::text AS "uses"
      FROM "creative_assets" WHERE "userId" = ${userId}
      GROUP BY 1, 2, 3, 4, 5
      ORDER BY 1, 2, 3, 4, 5`;

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
          for (const step of steps) await apply(userId, ids, step);
          expect(await rollupsOf(userId)).toEqual(await recountOf(userId));
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
});
