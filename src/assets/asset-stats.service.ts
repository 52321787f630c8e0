import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import type { AssetType } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { parseCreatedRange } from './asset-list-query';
import { AssetStatsResponseDto } from './dto/asset-stats.dto';
import type { CreatedRangeQueryDto } from './dto/list-assets-query.dto';

interface StatsRow {
  dimension: 'total' | 'type' | 'sourceModule' | 'provider' | 'model' | 'day';
  type: AssetType | null;
  sourceModule: string | null;
  provider: string | null;
  model: string | null;
  day: string | null;
  count: number;
  cost: number;
  views: number;
  downloads: number;
  shares: number;
  uses: number;
}

/** Library statistics, aggregated in PostgreSQL in one pass (GROUPING SETS) over the user's index range. */
@Injectable()
export class AssetStatsService {
  constructor(private readonly prisma: PrismaService) {}

  async getStats(userId: string, query: CreatedRangeQueryDto): Promise<AssetStatsResponseDto> {
    const range = parseCreatedRange(query);
    const conditions = [Prisma.sql`"userId" = ${userId}`];
    if (range.from) conditions.push(Prisma.sql`"createdAt" >= ${range.from}`);
    if (range.to) conditions.push(Prisma.sql`"createdAt" < ${range.to}`);
    const rows = await this.prisma.$queryRaw<StatsRow[]>`
      WITH scoped AS (
        SELECT "type", "sourceModule", "provider", "model", "cost", "viewCount", "downloadCount", "shareCount", "useCount",
               ("createdAt" AT TIME ZONE 'UTC')::date AS "day"
        FROM "creative_assets"
        WHERE ${Prisma.join(conditions, ' AND ')}
      )
      SELECT CASE
               WHEN GROUPING("type") = 0 THEN 'type'
               WHEN GROUPING("sourceModule") = 0 THEN 'sourceModule'
               WHEN GROUPING("model") = 0 THEN 'model'
               WHEN GROUPING("provider") = 0 THEN 'provider'
               WHEN GROUPING("day") = 0 THEN 'day'
               ELSE 'total'
             END AS "dimension",
             "type"::text AS "type", "sourceModule", "provider", "model", to_char("day", 'YYYY-MM-DD') AS "day",
             count(*)::int AS "count",
             round(coalesce(sum("cost"), 0), 6)::float8 AS "cost",
             coalesce(sum("viewCount"), 0)::float8 AS "views",
             coalesce(sum("downloadCount"), 0)::float8 AS "downloads",
             coalesce(sum("shareCount"), 0)::float8 AS "shares",
             coalesce(sum("useCount"), 0)::float8 AS "uses"
      FROM scoped
      GROUP BY GROUPING SETS ((), ("type"), ("sourceModule"), ("provider"), ("provider", "model"), ("day"))
      ORDER BY "day" ASC NULLS LAST, "cost" DESC, "count" DESC`;

    const of = (dimension: StatsRow['dimension']) => rows.filter((row) => row.dimension === dimension);
    // GROUPING SETS' empty set yields a row even over no assets.
    const total = of('total')[0];
    return {
      totalAssets: total?.count ?? 0,
      totalCost: total?.cost ?? 0,
      usage: { views: total?.views ?? 0, downloads: total?.downloads ?? 0, shares: total?.shares ?? 0, uses: total?.uses ?? 0 },
      byType: of('type').map(({ type, count, cost }) => ({ type: type as AssetType, count, cost })),
      bySourceModule: of('sourceModule').map(({ sourceModule, count, cost }) => ({ sourceModule: sourceModule as string, count, cost })),
      costByProvider: of('provider').map(({ provider, count, cost }) => ({ provider, count, cost })),
      costByModel: of('model').map(({ provider, model, count, cost }) => ({ provider, model, count, cost })),
      costByDay: of('day').map(({ day, count, cost }) => ({ day: day as string, count, cost })),
    };
  }
}
