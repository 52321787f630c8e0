import { Injectable } from '@nestjs/common';
import type { AssetType } from '../generated/prisma/client';
import { parseCreatedRange } from './asset-list-query';
import { AssetsRepository, StatsRow } from './assets.repository';
import { AssetStatsResponseDto } from './dto/asset-stats.dto';
import type { CreatedRangeQueryDto } from './dto/list-assets-query.dto';

/** Library statistics, added up from the per-day rollups that a trigger keeps exact (AssetsRepository.aggregateStats). */
@Injectable()
export class AssetStatsService {
  constructor(private readonly assets: AssetsRepository) {}

  /** What the user spent outside generation jobs since `since` (a job's assets carry its cost, counted through the job). */
  costOutsideJobsSince(userId: string, since: Date): Promise<number> {
    return this.assets.costOutsideJobsSince(userId, since);
  }

  async getStats(userId: string, query: CreatedRangeQueryDto): Promise<AssetStatsResponseDto> {
    return toAssetStatsResponse(await this.assets.aggregateStats(userId, parseCreatedRange(query)));
  }
}

function toAssetStatsResponse(rows: StatsRow[]): AssetStatsResponseDto {
  const of = (dimension: StatsRow['dimension']) => rows.filter((row) => row.dimension === dimension);
  // GROUPING SETS' empty set yields a row even over no assets.
  const total = of('total')[0];
  return {
    totalAssets: total?.count ?? 0,
    totalCost: total?.cost ?? 0,
    usage: {
      views: total?.views ?? 0,
      downloads: total?.downloads ?? 0,
      shares: total?.shares ?? 0,
      uses: total?.uses ?? 0,
    },
    byType: of('type').map(({ type, count, cost }) => ({ type: type as AssetType, count, cost })),
    bySourceModule: of('sourceModule').map(({ sourceModule, count, cost }) => ({
      sourceModule: sourceModule as string,
      count,
      cost,
    })),
    costByProvider: of('provider').map(({ provider, count, cost }) => ({ provider, count, cost })),
    costByModel: of('model').map(({ provider, model, count, cost }) => ({ provider, model, count, cost })),
    costByDay: of('day').map(({ day, count, cost }) => ({ day: day as string, count, cost })),
  };
}
