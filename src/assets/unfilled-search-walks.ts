/** How long a search whose date-order walk found less than a page goes straight to the GIN. */
const UNFILLED_WALK_TTL_MS = 60_000;

/** Searches remembered at most, per process: a few hundred KB. */
const MAX_UNFILLED_WALKS = 10_000;

/**
 * The searches of each user whose bounded date-order walk (buildSearchWalkSql) lately found less than a page.
 * Their next pages (a gallery scrolls on through the same search; a dashboard repeats it) skip the walk, which
 * would most likely fall short again and only add its cost to the GIN's. Forgotten after a minute, so a library
 * that filled up with the term is walked again; only the choice of statement depends on it, never the answer.
 */
export class UnfilledSearchWalks {
  /** When each `userId NUL search` last fell short, oldest first (a Map keeps insertion order). */
  private readonly unfilledAt = new Map<string, number>();

  constructor(
    private readonly ttlMs = UNFILLED_WALK_TTL_MS,
    private readonly maxEntries = MAX_UNFILLED_WALKS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the walk is worth trying for this search of this user. */
  worthWalking(userId: string, search: string): boolean {
    const key = keyOf(userId, search);
    const unfilledAt = this.unfilledAt.get(key);
    if (unfilledAt === undefined) return true;
    if (this.now() - unfilledAt < this.ttlMs) return false;
    this.unfilledAt.delete(key);
    return true;
  }

  /** The walk of this search found less than a page. */
  recordUnfilled(userId: string, search: string): void {
    const key = keyOf(userId, search);
    this.unfilledAt.delete(key);
    if (this.unfilledAt.size >= this.maxEntries) this.unfilledAt.delete(this.unfilledAt.keys().next().value!);
    this.unfilledAt.set(key, this.now());
  }
}

const keyOf = (userId: string, search: string) => `${userId}\u0000${search}`;
