import { UnfilledSearchWalks } from './unfilled-search-walks';

describe('UnfilledSearchWalks', () => {
  it('skips the walk of a search that fell short, for that user only, until the time is up', () => {
    let now = 0;
    const walks = new UnfilledSearchWalks(60_000, 100, () => now);
    expect(walks.worthWalking('ann', 'lighthouse watercolor')).toBe(true);
    walks.recordUnfilled('ann', 'lighthouse watercolor');
    expect(walks.worthWalking('ann', 'lighthouse watercolor')).toBe(false);
    expect(walks.worthWalking('bob', 'lighthouse watercolor')).toBe(true);
    expect(walks.worthWalking('ann', 'lighthouse')).toBe(true);
    now = 59_999;
    expect(walks.worthWalking('ann', 'lighthouse watercolor')).toBe(false);
    now = 60_000;
    expect(walks.worthWalking('ann', 'lighthouse watercolor')).toBe(true);
    // Forgotten once expired: the next shortfall starts a new minute.
    now = 60_001;
    expect(walks.worthWalking('ann', 'lighthouse watercolor')).toBe(true);
  });

  it('keeps a user and a search apart however their text runs together', () => {
    const walks = new UnfilledSearchWalks();
    walks.recordUnfilled('an', 'na');
    expect(walks.worthWalking('ann', 'a')).toBe(true);
    expect(walks.worthWalking('an', 'na')).toBe(false);
  });

  it('forgets the oldest shortfall first when full', () => {
    let now = 0;
    const walks = new UnfilledSearchWalks(60_000, 3, () => now);
    for (const search of ['one', 'two', 'three']) {
      walks.recordUnfilled('ann', search);
      now += 1;
    }
    // 'one' fell short again: now the newest.
    walks.recordUnfilled('ann', 'one');
    walks.recordUnfilled('ann', 'four');
    expect(['one', 'two', 'three', 'four'].map((search) => walks.worthWalking('ann', search))).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });
});
