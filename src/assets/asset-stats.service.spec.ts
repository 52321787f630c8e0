import type { EngineConfig } from '../config/engine-config';
import type { EngineMetrics, StatsAnswerSource } from '../metrics/engine-metrics';
import { AssetStatsService } from './asset-stats.service';
import type { AssetsRepository } from './assets.repository';
import type { AssetStatsJson } from './dto/asset-stats.dto';
import type { StatsRevision } from './remembered-stats';

/** An AssetsRepository whose user's stats are at `state.revision` with `state.totalAssets`, counting its reads. */
function fakeStats(statsCacheMaxBytes: number) {
  const state = { revision: 1n as StatsRevision, totalAssets: 3 };
  const reads = { revisions: 0, aggregates: 0 };
  const repository = {
    statsRevision: () => {
      reads.revisions++;
      return Promise.resolve(state.revision);
    },
    aggregateStats: () => {
      reads.aggregates++;
      return Promise.resolve({
        stats: JSON.stringify({ totalAssets: state.totalAssets }) as AssetStatsJson,
        revision: state.revision,
      });
    },
  } as unknown as AssetsRepository;
  const sources: StatsAnswerSource[] = [];
  const metrics = { statsAnswered: (source: StatsAnswerSource) => sources.push(source) } as unknown as EngineMetrics;
  const service = new AssetStatsService(repository, { statsCacheMaxBytes } as EngineConfig, metrics);
  return { service, state, reads, sources };
}

describe('AssetStatsService: when the rollups are added up again', () => {
  it('answers a repeated question from memory while the revision stands, and adds up again once it changes', async () => {
    const { service, state, reads, sources } = fakeStats(1024);
    expect(await service.getStatsJson('ann', {})).toBe('{"totalAssets":3}');
    expect(await service.getStatsJson('ann', {})).toBe('{"totalAssets":3}');
    expect(reads).toEqual({ revisions: 2, aggregates: 1 });
    expect(sources).toEqual(['added_up', 'remembered']);

    state.revision = 2n;
    state.totalAssets = 4;
    expect(await service.getStatsJson('ann', {})).toBe('{"totalAssets":4}');
    expect(await service.getStats('ann', {})).toEqual({ totalAssets: 4 });
    expect(reads).toEqual({ revisions: 4, aggregates: 2 });
    expect(sources).toEqual(['added_up', 'remembered', 'added_up', 'remembered']);
  });

  it('counts a request that waited for another adding up the same as shared', async () => {
    const { service, reads, sources } = fakeStats(1024);
    await Promise.all([service.getStatsJson('ann', {}), service.getStatsJson('ann', {})]);
    expect(reads.aggregates).toBe(1);
    expect(sources.sort()).toEqual(['added_up', 'shared']);
  });

  it('adds up each range of its own', async () => {
    const { service, reads } = fakeStats(1024);
    await service.getStatsJson('ann', {});
    await service.getStatsJson('ann', { createdFrom: '2026-03-01T00:00:00.000Z' });
    await service.getStatsJson('ann', { createdFrom: '2026-03-01T00:00:00Z' });
    expect(reads.aggregates).toBe(2);
  });

  it('reads no revision when it may remember nothing (STATS_CACHE_MAX_BYTES=0)', async () => {
    const { service, reads, sources } = fakeStats(0);
    await service.getStatsJson('ann', {});
    await service.getStatsJson('ann', {});
    expect(reads).toEqual({ revisions: 0, aggregates: 2 });
    expect(sources).toEqual(['added_up', 'added_up']);
  });

  it('refuses a range that ends before it starts before reading anything', async () => {
    const { service, reads } = fakeStats(1024);
    await expect(
      service.getStatsJson('ann', { createdFrom: '2026-03-02T00:00:00Z', createdTo: '2026-03-01T00:00:00Z' }),
    ).rejects.toThrow('createdFrom must be before createdTo');
    expect(reads).toEqual({ revisions: 0, aggregates: 0 });
  });
});
