import { Injectable } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { EngineMetrics } from '../metrics/engine-metrics';
import { parseCreatedRange } from './asset-list-query';
import { AssetsRepository } from './assets.repository';
import type { AssetStatsJson, AssetStatsResponseDto } from './dto/asset-stats.dto';
import type { CreatedRangeQueryDto } from './dto/list-assets-query.dto';
import { RememberedStats } from './remembered-stats';

/**
 * Library statistics, added up from the rollups that a trigger keeps exact (AssetsRepository.aggregateStats), or
 * the same answer remembered while the user's stats revision has not changed (RememberedStats).
 */
@Injectable()
export class AssetStatsService {
  private readonly remembered: RememberedStats;

  constructor(
    private readonly assets: AssetsRepository,
    config: EngineConfig,
    private readonly metrics: EngineMetrics,
  ) {
    this.remembered = new RememberedStats(config.statsCacheMaxBytes, (source) => metrics.statsAnswered(source));
  }

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
  async getStatsJson(userId: string, query: CreatedRangeQueryDto): Promise<AssetStatsJson> {
    const range = parseCreatedRange(query);
    if (!this.remembered.enabled) {
      this.metrics.statsAnswered('added_up');
      return (await this.assets.aggregateStats(userId, range)).stats;
    }
    const revision = await this.assets.statsRevision(userId);
    return this.remembered.answer(userId, range, revision, () => this.assets.aggregateStats(userId, range));
  }
}
