import type { StatsAnswerSource } from '../metrics/engine-metrics';
import type { CreatedRange } from './asset-list-query';
import type { AssetStatsJson } from './dto/asset-stats.dto';

/**
 * A user's stats revision (creative_asset_stats_revisions): renewed from one sequence, in the transaction of every
 * change the rollups count, so a value stands for one state of the user's stats and never comes back. null for a
 * user none of whose assets was ever counted.
 */
export type StatsRevision = bigint | null;

/** A stats answer and the revision of the user's stats it was read at, both from one snapshot. */
export interface RevisedStats {
  stats: AssetStatsJson;
  revision: StatsRevision;
}

/**
 * The stats answers this process computed lately, each with the revision it is exact for, least recently used
 * first (a Map keeps insertion order), within `maxBytes` of JSON text (one byte per character, as V8 keeps ASCII).
 * A dashboard asks the same question again and again between a user's changes; reading their revision costs
 * PostgreSQL one index lookup, against the hundreds of rollup rows of an answer.
 */
export class RememberedStats {
  private readonly answers = new Map<string, RevisedStats>();
  /** Answers being added up, by question and the revision its askers read: they wait for one statement. */
  private readonly pending = new Map<string, Promise<RevisedStats>>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly answered: (source: StatsAnswerSource) => void = () => undefined,
  ) {}

  /** false with a budget of 0: then reading the revision first would only add a round trip to every answer. */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /**
   * The answer for this user and range, asked at `revision`: the one remembered at that revision, or else that of
   * `addUp`, which those who ask the same at the same revision meanwhile share. Its snapshot is taken after they
   * all read `revision`, so it is exact for each of them (a newer revision than theirs at most).
   */
  async answer(
    userId: string,
    range: CreatedRange,
    revision: StatsRevision,
    addUp: () => Promise<RevisedStats>,
  ): Promise<AssetStatsJson> {
    const key = keyOf(userId, range);
    const remembered = this.rememberedAt(key, revision);
    if (remembered !== undefined) {
      this.answered('remembered');
      return remembered;
    }
    const pendingKey = `${key}\u0000${revision}`;
    let pending = this.pending.get(pendingKey);
    this.answered(pending === undefined ? 'added_up' : 'shared');
    if (pending === undefined) {
      pending = addUp();
      this.pending.set(pendingKey, pending);
      try {
        this.remember(key, await pending);
      } finally {
        this.pending.delete(pendingKey);
      }
    }
    return (await pending).stats;
  }

  /** The answer remembered for this question, when it was read at `revision`; a stale one is forgotten. */
  private rememberedAt(key: string, revision: StatsRevision): AssetStatsJson | undefined {
    const answer = this.answers.get(key);
    if (answer === undefined) return undefined;
    this.forget(key, answer);
    if (answer.revision !== revision) return undefined;
    this.answers.set(key, answer);
    this.bytes += answer.stats.length;
    return answer.stats;
  }

  private remember(key: string, answer: RevisedStats): void {
    const previous = this.answers.get(key);
    if (previous !== undefined) this.forget(key, previous);
    if (answer.stats.length > this.maxBytes) return;
    for (const [oldestKey, oldest] of this.answers) {
      if (this.bytes + answer.stats.length <= this.maxBytes) break;
      this.forget(oldestKey, oldest);
    }
    this.answers.set(key, answer);
    this.bytes += answer.stats.length;
  }

  private forget(key: string, answer: RevisedStats): void {
    this.answers.delete(key);
    this.bytes -= answer.stats.length;
  }
}

const keyOf = (userId: string, { from, to }: CreatedRange) =>
  `${userId}\u0000${from?.getTime() ?? ''}\u0000${to?.getTime() ?? ''}`;
