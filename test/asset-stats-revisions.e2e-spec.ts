import fs from 'node:fs';
import { EngineMetrics } from '../src/metrics/engine-metrics';
import { runMigrations } from '../src/prisma/migrate';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';
import { dropDatabase } from './support/global-teardown';
import { databaseUrlFor, newRunId } from './support/test-env';

/**
 * GET /assets/stats sends an answer it computed before while the user's stats revision is the one it was read at
 * (RememberedStats). The rollup trigger renews the revision in the transaction of every change it counts, so
 * every instance, each with answers of its own, sees a change once it commits, whoever made it.
 */
describe('asset stats revisions', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      createTestApp({ RATE_LIMIT_PER_MINUTE: '0' }),
      createTestApp({ RATE_LIMIT_PER_MINUTE: '0' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  const statsOf = async (t: TestApp, userId: string, query: Record<string, string> = {}) =>
    (await t.http.get(`${BASE}/assets/stats`).query(query).set(bearer(userId)).expect(200)).body as {
      totalAssets: number;
      totalCost: number;
      usage: { views: number };
      costByDay: { day: string; count: number }[];
    };

  const revisionOf = async (t: TestApp, userId: string) => {
    const rows = await t.prisma.$queryRaw<{ revision: bigint }[]>`
      SELECT "revision" FROM "creative_asset_stats_revisions" WHERE "userId" = ${userId}`;
    return rows[0]?.revision ?? null;
  };

  /** creative_engine_stats_answers_total of an instance, by source. */
  const answersOf = async (t: TestApp) => {
    const metric = t.app.get(EngineMetrics).registry.getSingleMetric('creative_engine_stats_answers_total')!;
    const { values } = await metric.get();
    return Object.fromEntries(values.map(({ labels, value }) => [labels.source, value])) as Record<string, number>;
  };

  it('answers from memory while the revision stands, and every instance adds up again once a change commits', async () => {
    const counted = await Promise.all([answersOf(first), answersOf(second)]);
    const userId = newUserId('stats-memory');
    const asset = assetRow(userId, { cost: '0.250000', createdAt: new Date('2026-03-02T10:00:00Z') });
    await first.prisma.creativeAsset.create({ data: asset as never });
    const before = await statsOf(first, userId);
    expect(before).toMatchObject({ totalAssets: 1, totalCost: 0.25, usage: { views: 0 } });
    expect(await statsOf(second, userId)).toEqual(before);

    // The day totals changed behind the trigger's back (no new revision): both instances answer from memory.
    await first.prisma
      .$executeRaw`UPDATE "creative_asset_day_totals" SET "count" = "count" + 100 WHERE "userId" = ${userId}`;
    expect(await statsOf(first, userId)).toEqual(before);
    expect(await statsOf(second, userId)).toEqual(before);
    // … which a range of its own, never asked before, does not share.
    expect((await statsOf(first, userId, { createdFrom: '2026-01-01T00:00:00Z' })).costByDay).toEqual([
      { day: '2026-03-02', count: 101, cost: 0.25 },
    ]);
    await first.prisma
      .$executeRaw`UPDATE "creative_asset_day_totals" SET "count" = "count" - 100 WHERE "userId" = ${userId}`;

    // A usage post through the second instance renews the revision: the first adds up again.
    await second.http.post(`${BASE}/asset/${asset.id}/usage`).set(bearer(userId)).send({ action: 'view' }).expect(200);
    expect(await statsOf(first, userId)).toEqual({ ...before, usage: { ...before.usage, views: 1 } });
    // So does a change no instance made, straight in the database.
    await first.prisma.$executeRaw`UPDATE "creative_assets" SET "cost" = 1 WHERE "id" = ${asset.id}::uuid`;
    expect(await statsOf(first, userId)).toMatchObject({ totalCost: 1, usage: { views: 1 } });
    expect(await statsOf(second, userId)).toMatchObject({ totalCost: 1, usage: { views: 1 } });

    const since = async (t: TestApp, before: Record<string, number>) =>
      Object.fromEntries(Object.entries(await answersOf(t)).map(([source, n]) => [source, n - (before[source] ?? 0)]));
    expect(await since(first, counted[0])).toMatchObject({ added_up: 4, remembered: 1 });
    expect(await since(second, counted[1])).toMatchObject({ added_up: 2, remembered: 1 });
  });

  it('renews the revision for every change the stats count and for nothing else', async () => {
    const userId = newUserId('stats-revision');
    const otherUserId = newUserId('stats-revision-other');
    expect(await revisionOf(first, userId)).toBeNull();
    const asset = assetRow(userId);
    await first.prisma.creativeAsset.create({ data: asset as never });
    const seen = [await revisionOf(first, userId)];
    expect(seen[0]).not.toBeNull();

    const expectRenewed = async (change: () => Promise<unknown>, renewed: boolean) => {
      await change();
      const revision = await revisionOf(first, userId);
      if (renewed) expect(seen).not.toContain(revision);
      else expect(revision).toBe(seen.at(-1));
      seen.push(revision);
    };
    const update = (data: Record<string, unknown>) => () =>
      first.prisma.creativeAsset.update({ where: { id: asset.id }, data: data as never });

    await expectRenewed(update({ cost: '0.5' }), true);
    await expectRenewed(update({ viewCount: { increment: 1 } }), true);
    await expectRenewed(update({ type: 'image' }), true);
    await expectRenewed(update({ createdAt: new Date('2025-01-01T00:00:00Z') }), true);
    await expectRenewed(update({ title: 'Renamed' }), false);
    await expectRenewed(update({ isFavorite: true }), false);
    await expectRenewed(update({ cost: '0.5' }), false);
    // Moved to another user: both users' stats changed.
    await expectRenewed(update({ userId: otherUserId }), true);
    expect(await revisionOf(first, otherUserId)).not.toBeNull();
    await first.prisma.creativeAsset.update({ where: { id: asset.id }, data: { userId } });
    seen.push(await revisionOf(first, userId));
    await expectRenewed(() => first.prisma.creativeAsset.delete({ where: { id: asset.id } }), true);
  });

  describe('on a database of its own', () => {
    const databaseName = `ce_revisions_${newRunId()}`;
    const databaseUrl = databaseUrlFor(databaseName);
    let own: TestApp;

    beforeAll(async () => {
      await runMigrations({ databaseUrl, log: () => undefined });
      own = await createTestApp({ RATE_LIMIT_PER_MINUTE: '0', DATABASE_URL: databaseUrl });
    });

    afterAll(async () => {
      await own.close();
      await dropDatabase(databaseName);
    });

    it('gives every user a new revision when the assets are truncated, so no emptied library is answered full', async () => {
      const userId = newUserId('stats-truncate');
      await own.prisma.creativeAsset.createMany({ data: [assetRow(userId), assetRow(userId)] as never });
      expect(await statsOf(own, userId)).toMatchObject({ totalAssets: 2 });
      const revision = await revisionOf(own, userId);

      await own.prisma.$executeRaw`TRUNCATE "creative_assets" CASCADE`;
      expect(await revisionOf(own, userId)).not.toBe(revision);
      expect(await statsOf(own, userId)).toMatchObject({ totalAssets: 0, costByDay: [] });
    });

    it('backfills a revision for every user with assets (the migration, rerun for two users)', async () => {
      const [withAssets, without] = [newUserId('backfill-revision'), newUserId('backfill-none')];
      await own.prisma.creativeAsset.create({ data: assetRow(withAssets) as never });
      await own.prisma.$executeRaw`DELETE FROM "creative_asset_stats_revisions" WHERE "userId" = ${withAssets}`;
      const migration = fs.readFileSync('prisma/migrations/20261208100000_asset_stats_revisions/migration.sql', 'utf8');
      const backfill = migration.slice(migration.indexOf('-- Backfill')).replace(/;\s*$/, '');
      await own.prisma.$executeRawUnsafe(backfill);
      expect(await revisionOf(own, withAssets)).not.toBeNull();
      expect(await revisionOf(own, without)).toBeNull();
    });
  });
});
