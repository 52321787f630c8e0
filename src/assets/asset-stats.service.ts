import { Injectable } from '@nestjs/common';
import { parseCreatedRange } from './asset-list-query';
import { AssetsRepository } from './assets.repository';
import type { AssetStatsJson, AssetStatsResponseDto } from './dto/asset-stats.dto';
import type { CreatedRangeQueryDto } from './dto/list-assets-query.dto';

/** Library statistics, added up from the rollups that a trigger keeps exact (AssetsRepository.aggregateStats). */
@Injectable()
export class AssetStatsService {
  constructor(private readonly assets: AssetsRepository) {}

  /** What the user spent outside generation jobs since `since` (a job's assets carry its cost, counted through the job). */
  costOutsideJobsSince(userId: string, since: Date): Promise<number> {
    return this.assets.costOutsideJobsSince(userId, since);
  }

  async getStats(userId: string, query: CreatedRangeQueryDto): Promise<AssetStatsResponseDto> {
    return JSON.parse(await this.getStatsJson(userId, query)) as AssetStatsResponseDto;
  }

  /**
   * getStats as the JSON text PostgreSQL writes, for a response body: a long range has hundreds of days, and
   * parsing them into objects only to serialize them again costs more CPU than the query.
   */
  getStatsJson(userId: string, query: CreatedRangeQueryDto): Promise<AssetStatsJson> {
    return this.assets.aggregateStats(userId, parseCreatedRange(query));
  }
}
