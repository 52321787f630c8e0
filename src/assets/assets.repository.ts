import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import type { CreativeAsset } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { insertRowsSql, rowTable } from '../prisma/row-insert';
import type { CreatedRange } from './asset-list-query';
import {
  ASSET_ROW_COLUMNS,
  buildAssetPageSql,
  buildLineageSql,
  buildSearchWalkSql,
  buildStatsSql,
  isUnfilteredPage,
  USAGE_COUNTERS,
} from './asset-sql';
import type { UsageAction, UsageResponseDto } from './dto/asset-actions.dto';
import type { AssetRow } from './dto/asset-response.dto';
import type { ListAssetsQueryDto } from './dto/list-assets-query.dto';
import type { RevisedStats, StatsRevision } from './remembered-stats';
import { statsWindows } from './stats-windows';
import { UnfilledSearchWalks } from './unfilled-search-walks';

/** The client itself or a caller's transaction. */
export type Db = Prisma.TransactionClient;

const ASSETS_TABLE = rowTable('creative_assets', Prisma.CreativeAssetScalarFieldEnum);

/** What the visibility rule (access.ts) needs of a row. */
export type AssetAccessRow = Pick<CreativeAsset, 'id' | 'userId' | 'isPublic'>;

/** Column changes of an edit: undefined leaves a column as it is, null clears it. */
export interface AssetChanges {
  title?: string;
  description?: string | null;
  category?: string | null;
  tags?: string[];
  isPublic?: boolean;
  isFavorite?: boolean;
  metadata?: Record<string, unknown> | null;
}

export type UsageCounts = Omit<UsageResponseDto, 'success' | 'action'>;

/** An asset related to another by parentAssetId, with how far away it is (1: parent or child). */
export type LineageRow = AssetRow & { direction: 'ancestor' | 'descendant'; depth: number };

/**
 * Every statement on creative_assets (the bookkeeping of their files is StoredFilesRepository's). Raw SQL where Prisma cannot say it in one round trip: the page, the hot single-row read, atomic
 * counters and flips, the row lock of a tag merge, the stats.
 */
@Injectable()
export class AssetsRepository {
  private readonly unfilledSearchWalks = new UnfilledSearchWalks();

  constructor(private readonly prisma: PrismaService) {}

  /**
   * The asset with its storage keys if it is the user's own or public; a prepared statement, as this is on the
   * hottest read paths and its plan (the primary key) is the same for every asset.
   */
  async findVisible(userId: string, id: string): Promise<CreativeAsset | undefined> {
    const [row] = await this.prisma.prepared.query<CreativeAsset[]>`
      SELECT ${ASSET_ROW_COLUMNS} FROM "creative_assets" a
      WHERE a.id = ${id}::uuid AND (a."userId" = ${userId} OR a."isPublic")`;
    return row;
  }

  /** The asset with its storage keys whoever owns it: for a signed link, which is its own proof of access. */
  async findWithKeys(id: string): Promise<CreativeAsset | undefined> {
    const [row] = await this.prisma.prepared.query<CreativeAsset[]>`
      SELECT ${ASSET_ROW_COLUMNS} FROM "creative_assets" a WHERE a.id = ${id}::uuid`;
    return row;
  }

  async isVisible(userId: string, id: string, db: Db = this.prisma): Promise<boolean> {
    return (
      (await db.creativeAsset.findFirst({
        where: { id, OR: [{ userId }, { isPublic: true }] },
        select: { id: true },
      })) !== null
    );
  }

  /** Owner and visibility of those of `ids` the user may see. */
  findVisibleAccess(userId: string, ids: string[]): Promise<AssetAccessRow[]> {
    return this.prisma.creativeAsset.findMany({
      where: { id: { in: ids }, OR: [{ userId }, { isPublic: true }] },
      select: { id: true, userId: true, isPublic: true },
    });
  }

  insert(data: Prisma.CreativeAssetUncheckedCreateInput, db: Db = this.prisma): Promise<CreativeAsset> {
    return db.creativeAsset.create({ data });
  }

  /**
   * An INSERT of `rows` that inserts them all when `when` holds and none otherwise, as a part of a caller's
   * statement (a job's completion); the rows get what Prisma's create would give them (insertRowsSql).
   */
  insertWhenSql(rows: readonly Prisma.CreativeAssetUncheckedCreateInput[], when: Prisma.Sql): Prisma.Sql {
    return insertRowsSql(ASSETS_TABLE, rows, { when });
  }

  /** The visible ancestors and descendants of an asset, nearest first (buildLineageSql). */
  findLineage(userId: string, id: string): Promise<LineageRow[]> {
    return this.prisma.direct.query<LineageRow[]>(buildLineageSql(userId, id));
  }

  /**
   * limit+1 rows of the page, so the caller knows whether a next page exists; prepared when unfiltered. A search
   * in date order first walks the user's rows in that order (buildSearchWalkSql), which answers a common term in
   * a fraction of the GIN's time; a rarer one, or any other page, is read by buildAssetPageSql. A search whose
   * walk fell short lately goes to the GIN at once (UnfilledSearchWalks).
   */
  async findPage(userId: string, query: ListAssetsQueryDto, tags: string[], range: CreatedRange): Promise<AssetRow[]> {
    const { search } = query;
    const walk =
      search && this.unfilledSearchWalks.worthWalking(userId, search) && buildSearchWalkSql(userId, query, tags, range);
    if (search && walk) {
      // Prepared: the walk's plan is the same index scan whoever the user is and whatever the terms.
      const walked = await this.prisma.prepared.query<AssetRow[]>(walk);
      if (walked.length > query.limit) return walked;
      this.unfilledSearchWalks.recordUnfilled(userId, search);
    }
    const sql = isUnfilteredPage(query, tags, range) ? this.prisma.prepared : this.prisma.direct;
    return sql.query<AssetRow[]>(buildAssetPageSql(userId, query, tags, range));
  }

  updateOwned(userId: string, id: string, changes: AssetChanges): Promise<CreativeAsset> {
    const { metadata, ...columns } = changes;
    return this.prisma.creativeAsset.update({
      where: { id, userId },
      data: {
        ...columns,
        metadata: metadata === null ? Prisma.DbNull : (metadata as Prisma.InputJsonObject | undefined),
      },
    });
  }

  /**
   * Deletes the user's row (its collection links go by cascade) and runs `andThen` in the same transaction;
   * undefined when no row matched.
   */
  async deleteOwned<T>(userId: string, id: string, andThen: (tx: Db) => Promise<T>): Promise<T | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.creativeAsset.deleteMany({ where: { id, userId } });
      return count === 0 ? undefined : andThen(tx);
    });
  }

  /** Sets isFavorite (or flips it) in one UPDATE of the user's row; undefined when no row matched. */
  async updateFavorite(userId: string, id: string, favorite: boolean | 'toggle'): Promise<boolean | undefined> {
    const value = favorite === 'toggle' ? Prisma.sql`NOT "isFavorite"` : Prisma.sql`${favorite}::boolean`;
    const [row] = await this.prisma.prepared.query<{ isFavorite: boolean }[]>`
      UPDATE "creative_assets" SET "isFavorite" = ${value}, "updatedAt" = now()
      WHERE id = ${id}::uuid AND "userId" = ${userId}
      RETURNING "isFavorite"`;
    return row?.isFavorite;
  }

  /**
   * Replaces the tags with `nextTags(locked row)` under a row lock, so concurrent merges cannot exceed the cap.
   * `nextTags` gets undefined for a missing row and may throw to refuse.
   */
  updateTagsLocked(
    id: string,
    nextTags: (locked: Pick<CreativeAsset, 'userId' | 'isPublic' | 'tags'> | undefined) => string[],
  ): Promise<CreativeAsset> {
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<Pick<CreativeAsset, 'userId' | 'isPublic' | 'tags'>[]>`
        SELECT "userId", "isPublic", "tags" FROM "creative_assets" WHERE id = ${id}::uuid FOR UPDATE`;
      return tx.creativeAsset.update({ where: { id }, data: { tags: nextTags(locked) } });
    });
  }

  /**
   * Counts one use in a single UPDATE (atomic under any concurrency) and stamps lastUsedAt, leaving updatedAt
   * to edits. Matches the user's row, or a public one when `readersMayRecord`; undefined when none matched.
   */
  async incrementUsage(
    userId: string,
    id: string,
    action: UsageAction,
    readersMayRecord: boolean,
  ): Promise<UsageCounts | undefined> {
    const counter = USAGE_COUNTERS[action];
    const [row] = await this.prisma.prepared.query<UsageCounts[]>`
      UPDATE "creative_assets" SET ${counter} = ${counter} + 1, "lastUsedAt" = now()
      WHERE id = ${id}::uuid AND ("userId" = ${userId} OR ("isPublic" AND ${readersMayRecord}))
      RETURNING "viewCount", "downloadCount", "shareCount", "useCount", "lastUsedAt"`;
    return row;
  }

  /** Cost (USD) of the user's assets made outside generation jobs (text content, saveAsset) since `since`. */
  async costOutsideJobsSince(userId: string, since: Date): Promise<number> {
    const { _sum } = await this.prisma.creativeAsset.aggregate({
      _sum: { cost: true },
      where: { userId, generationId: null, createdAt: { gte: since } },
    });
    return Number(_sum.cost ?? 0);
  }

  /** Gives assets stored before checksums were kept the checksum since recorded for their file; one join. */
  async fillChecksumsFromStoredObjects(): Promise<number> {
    return this.prisma.direct.execute`
      UPDATE "creative_assets" a SET "checksum" = o."checksum"
      FROM "stored_objects" o
      WHERE a."storageKey" = o."key" AND a."checksum" IS NULL AND o."checksum" IS NOT NULL`;
  }

  /**
   * Library statistics, added up from the month and day rollups for the whole UTC months and days of the range
   * and from the assets themselves for the parts of a day at its ends (statsWindows), with the user's stats revision
   * read in the same snapshot.
   */
  async aggregateStats(userId: string, range: CreatedRange): Promise<RevisedStats> {
    const [answer] = await this.prisma.prepared.query<RevisedStats[]>(buildStatsSql(userId, statsWindows(range)));
    return answer;
  }

  /** The revision of the user's stats, which the rollup trigger renews with every change it counts. */
  async statsRevision(userId: string): Promise<StatsRevision> {
    const [row] = await this.prisma.prepared.query<{ revision: bigint }[]>`
      SELECT "revision" FROM "creative_asset_stats_revisions" WHERE "userId" = ${userId}`;
    return row?.revision ?? null;
  }
}
