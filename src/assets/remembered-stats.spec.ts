import type { AssetStatsJson } from './dto/asset-stats.dto';
import { RememberedStats, type RevisedStats, type StatsRevision } from './remembered-stats';

const allTime = {};
const march = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

/** An addUp that answers `stats` at `revision`, counting its calls. */
function addingUp(stats: string, revision: StatsRevision) {
  const addUp = jest.fn(() => Promise.resolve({ stats: stats as AssetStatsJson, revision }));
  return addUp;
}

describe('RememberedStats', () => {
  it('answers a user and range from memory only at the revision the answer was read at', async () => {
    const remembered = new RememberedStats(1000);
    const addUp = addingUp('{"totalAssets":3}', 7n);
    expect(await remembered.answer('ann', allTime, 7n, addUp)).toBe('{"totalAssets":3}');
    expect(await remembered.answer('ann', allTime, 7n, addUp)).toBe('{"totalAssets":3}');
    expect(addUp).toHaveBeenCalledTimes(1);
    for (const [userId, range, revision] of [
      ['ann', march, 7n],
      ['bob', allTime, 7n],
      ['ann', allTime, 8n],
    ] as const)
      expect(await remembered.answer(userId, range, revision, addingUp('other', revision))).toBe('other');
  });

  it('forgets an answer once asked at another revision: revisions never come back', async () => {
    const remembered = new RememberedStats(1000);
    await remembered.answer('ann', allTime, 7n, addingUp('at 7', 7n));
    await remembered.answer('ann', allTime, 9n, addingUp('at 9', 9n));
    const addUp = addingUp('at 7 again', 7n);
    expect(await remembered.answer('ann', allTime, 7n, addUp)).toBe('at 7 again');
    expect(addUp).toHaveBeenCalledTimes(1);
  });

  it('remembers an answer at the revision its statement read, which may be newer than the asker read', async () => {
    const remembered = new RememberedStats(1000);
    expect(await remembered.answer('ann', allTime, 7n, addingUp('at 8', 8n))).toBe('at 8');
    const addUp = addingUp('at 8 again', 8n);
    expect(await remembered.answer('ann', allTime, 8n, addUp)).toBe('at 8');
    expect(addUp).not.toHaveBeenCalled();
  });

  it('tells a user without a revision from any revision, and remembers their empty library too', async () => {
    const remembered = new RememberedStats(1000);
    await remembered.answer('new', allTime, null, addingUp('{"totalAssets":0}', null));
    const addUp = addingUp('{"totalAssets":1}', 1n);
    expect(await remembered.answer('new', allTime, 1n, addUp)).toBe('{"totalAssets":1}');
    expect(await remembered.answer('new', allTime, null, addingUp('{"totalAssets":0}', null))).toBe(
      '{"totalAssets":0}',
    );
  });

  it('keeps ranges of a user apart however their ends are written', async () => {
    const remembered = new RememberedStats(1000);
    await remembered.answer('ann', { from: march.from }, 1n, addingUp('from', 1n));
    await remembered.answer('ann', { to: march.from }, 1n, addingUp('to', 1n));
    const unused = addingUp('unused', 1n);
    expect(await remembered.answer('ann', { from: new Date(march.from.getTime()) }, 1n, unused)).toBe('from');
    expect(await remembered.answer('ann', { to: march.from }, 1n, unused)).toBe('to');
    expect(unused).not.toHaveBeenCalled();
    expect(await remembered.answer('ann', allTime, 1n, addingUp('all', 1n))).toBe('all');
  });

  it('adds up once for everyone who asks the same at the same revision meanwhile, and again after a failure', async () => {
    const remembered = new RememberedStats(1000);
    let finish: (answer: RevisedStats) => void = () => undefined;
    const slow = jest.fn(() => new Promise<RevisedStats>((resolve) => (finish = resolve)));
    const askers = [1, 2, 3].map(() => remembered.answer('ann', allTime, 7n, slow));
    const newer = addingUp('at 8', 8n);
    const asksNewer = remembered.answer('ann', allTime, 8n, newer);
    finish({ stats: 'at 7' as AssetStatsJson, revision: 7n });
    expect(await Promise.all(askers)).toEqual(['at 7', 'at 7', 'at 7']);
    expect(await asksNewer).toBe('at 8');
    expect(slow).toHaveBeenCalledTimes(1);
    expect(newer).toHaveBeenCalledTimes(1);

    const failing = jest.fn(() => Promise.reject(new Error('database down')));
    const failed = [1, 2].map(() => remembered.answer('bob', allTime, 1n, failing));
    for (const asker of failed) await expect(asker).rejects.toThrow('database down');
    expect(failing).toHaveBeenCalledTimes(1);
    expect(await remembered.answer('bob', allTime, 1n, addingUp('recovered', 1n))).toBe('recovered');
  });

  it('stays within its budget, forgetting the least recently used answers first', async () => {
    const remembered = new RememberedStats(30);
    const ask = (userId: string, stats: string, revision = 1n) =>
      remembered.answer(userId, allTime, revision, addingUp(stats, revision));
    const isRemembered = async (userId: string, revision = 1n) => {
      const addUp = addingUp('added up', revision);
      await remembered.answer(userId, allTime, revision, addUp);
      return addUp.mock.calls.length === 0;
    };
    await ask('a', 'a'.repeat(10));
    await ask('b', 'b'.repeat(10));
    await ask('c', 'c'.repeat(10));
    await ask('a', 'unused');
    await ask('d', 'd'.repeat(10));
    expect(await isRemembered('a')).toBe(true);
    expect(await isRemembered('c')).toBe(true);
    expect(await isRemembered('d')).toBe(true);
    // b was the least recently used, and asking for it again made room by forgetting a.
    expect(await isRemembered('b')).toBe(false);
    expect(await isRemembered('a')).toBe(false);
    // Larger than the whole budget: not remembered, and nothing else is forgotten for it.
    await ask('e', 'e'.repeat(31));
    expect(await isRemembered('d')).toBe(true);
  });

  it('remembers nothing with a budget of 0', async () => {
    const remembered = new RememberedStats(0);
    expect(remembered.enabled).toBe(false);
    await remembered.answer('ann', allTime, 1n, addingUp('{}', 1n));
    const addUp = addingUp('{}', 1n);
    await remembered.answer('ann', allTime, 1n, addUp);
    expect(addUp).toHaveBeenCalledTimes(1);
    expect(new RememberedStats(1).enabled).toBe(true);
  });
});
