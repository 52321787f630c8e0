import { invalidCursorError } from '../common/pagination';
import { Prisma } from '../generated/prisma/client';
import { AssetCursor, CreatedRange, decodeAssetCursor } from './asset-list-query';
import type { UsageAction } from './dto/asset-actions.dto';
import type { AssetRow } from './dto/asset-response.dto';
import type { AssetSortField, ListAssetsQueryDto, SortOrder } from './dto/list-assets-query.dto';
import type { DateSpan, StatsWindows } from './stats-windows';

// SQL of creative_assets that AssetsRepository runs, built from fixed identifiers and bound parameters only.

/** Every column of AssetRow; the `satisfies` makes the compiler flag a column added to the model but not here. */
const ASSET_ROW_FIELDS = Object.keys({
  id: true,
  userId: true,
  type: true,
  category: true,
  title: true,
  description: true,
  prompt: true,
  negativePrompt: true,
  model: true,
  generationId: true,
  url: true,
  thumbnailUrl: true,
  fileSize: true,
  duration: true,
  width: true,
  height: true,
  format: true,
  parameters: true,
  seed: true,
  steps: true,
  guidance: true,
  sampler: true,
  status: true,
  isPublic: true,
  isFavorite: true,
  tags: true,
  provider: true,
  cost: true,
  sourceModule: true,
  mimeType: true,
  storageKey: true,
  thumbnailKey: true,
  checksum: true,
  content: true,
  metadata: true,
  generationTimeMs: true,
  parentAssetId: true,
  viewCount: true,
  downloadCount: true,
  shareCount: true,
  useCount: true,
  lastUsedAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Record<keyof AssetRow, true>);

/** The select list of an AssetRow from `"creative_assets" a`, for raw queries that answer with assets in one statement. */
export const ASSET_ROW_COLUMNS = Prisma.raw(ASSET_ROW_FIELDS.map((field) => `a."${field}"`).join(', '));

/** Fixed SQL identifiers of the usage counters (never built from input). */
export const USAGE_COUNTERS: Record<UsageAction, Prisma.Sql> = {
  view: Prisma.raw('"viewCount"'),
  download: Prisma.raw('"downloadCount"'),
  share: Prisma.raw('"shareCount"'),
  use: Prisma.raw('"useCount"'),
};

/** Sort columns as fixed SQL identifiers (never built from input); only `cost` is nullable. */
const SORT_COLUMNS: Record<AssetSortField, { column: Prisma.Sql; nullable: boolean; cast: Prisma.Sql }> = {
  createdAt: { column: Prisma.raw('a."createdAt"'), nullable: false, cast: Prisma.raw('timestamptz') },
  updatedAt: { column: Prisma.raw('a."updatedAt"'), nullable: false, cast: Prisma.raw('timestamptz') },
  cost: { column: Prisma.raw('a."cost"'), nullable: true, cast: Prisma.raw('numeric') },
  title: { column: Prisma.raw('a."title"'), nullable: false, cast: Prisma.raw('text') },
};

/**
 * Rows after the cursor in `ORDER BY column <order>, id <order>` (PostgreSQL puts NULLs last ascending and
 * first descending, as a backward index scan does). The leading `column >= value` form keeps the condition
 * usable as an index range on (userId, column, id).
 */
function afterCursor(sort: AssetSortField, order: SortOrder, cursor: AssetCursor): Prisma.Sql {
  const { column, nullable, cast } = SORT_COLUMNS[sort];
  const id = Prisma.sql`${cursor.id}::uuid`;
  const after = order === 'asc' ? Prisma.raw('>') : Prisma.raw('<');
  const atOrAfter = order === 'asc' ? Prisma.raw('>=') : Prisma.raw('<=');
  if (cursor.value === null) {
    if (!nullable) throw invalidCursorError();
    return order === 'asc'
      ? Prisma.sql`(${column} IS NULL AND a.id > ${id})`
      : Prisma.sql`((${column} IS NULL AND a.id < ${id}) OR ${column} IS NOT NULL)`;
  }
  // Bound as the same text the cursor carried (an instant exactly as toISOString wrote it).
  const value = Prisma.sql`${cursor.value instanceof Date ? cursor.value.toISOString() : cursor.value}::${cast}`;
  const notNullPart = Prisma.sql`(${column} ${atOrAfter} ${value} AND (${column} ${after} ${value} OR a.id ${after} ${id}))`;
  return nullable && order === 'asc' ? Prisma.sql`(${notNullPart} OR ${column} IS NULL)` : notNullPart;
}

/** The conditions of a page that narrow the user's rows (every filter of GET /assets), as bound parameters. */
function pageFilters(query: ListAssetsQueryDto, tags: string[], range: CreatedRange): Prisma.Sql[] {
  const filters: Prisma.Sql[] = [];
  if (query.type) filters.push(Prisma.sql`a."type" = ${query.type}::"AssetType"`);
  if (query.status) filters.push(Prisma.sql`a."status" = ${query.status}::"AssetStatus"`);
  if (query.category) filters.push(Prisma.sql`a."category" = ${query.category}`);
  if (query.provider) filters.push(Prisma.sql`a."provider" = ${query.provider}`);
  if (query.model) filters.push(Prisma.sql`a."model" = ${query.model}`);
  if (query.sourceModule) filters.push(Prisma.sql`a."sourceModule" = ${query.sourceModule}`);
  if (query.favorite !== undefined) filters.push(Prisma.sql`a."isFavorite" = ${query.favorite}`);
  if (tags.length > 0) filters.push(Prisma.sql`a."tags" @> ${tags}::text[]`);
  if (query.collectionId) {
    filters.push(
      Prisma.sql`EXISTS (SELECT 1 FROM "asset_collection_items" i WHERE i."collectionId" = ${query.collectionId}::uuid AND i."assetId" = a.id)`,
    );
  }
  if (query.search) filters.push(Prisma.sql`a."searchVector" @@ websearch_to_tsquery('english', ${query.search})`);
  return [...filters, ...createdRangeFilters(range)];
}

function createdRangeFilters(range: CreatedRange): Prisma.Sql[] {
  const filters: Prisma.Sql[] = [];
  if (range.from) filters.push(Prisma.sql`a."createdAt" >= ${range.from}`);
  if (range.to) filters.push(Prisma.sql`a."createdAt" < ${range.to}`);
  return filters;
}

/**
 * How many of the user's rows, in date order, a search walks per row of its page before it leaves the page to
 * the GIN: the walk is the cheaper plan while at least one row in this many matches.
 */
export const SEARCH_WALK_ROWS_PER_RESULT = 100;

/**
 * A search page read in createdAt order from the ("userId", "createdAt", id) INCLUDE ("searchVector") index:
 * the user's rows after the cursor, at most SEARCH_WALK_ROWS_PER_RESULT per row of the page, are tested against
 * the terms in an index-only scan. The walk covers a prefix of the user's rows in the page's order, so when
 * limit+1 of them match, they are the page; with fewer the caller asks the GIN (buildAssetPageSql). Null for a
 * page the walk cannot answer: another sort, or a filter (other than the created range) that the index does not
 * hold. PostgreSQL's own choice cannot do this: it estimates how many rows match two terms as if the terms were
 * independent (84 for the 4,256 rows of "coffee cup"), and from so few it prefers the GIN.
 */
export function buildSearchWalkSql(
  userId: string,
  query: ListAssetsQueryDto,
  tags: string[],
  range: CreatedRange,
): Prisma.Sql | null {
  const { search, sort, order, limit, cursor } = query;
  if (!search || sort !== 'createdAt' || pageFilters({ ...query, search: undefined }, tags, {}).length > 0) return null;
  const conditions = [Prisma.sql`a."userId" = ${userId}`, ...createdRangeFilters(range)];
  if (cursor) conditions.push(afterCursor(sort, order, decodeAssetCursor(cursor, sort, order)));
  const direction = Prisma.raw(order === 'asc' ? 'ASC' : 'DESC');
  // The inner LIMIT keeps the terms out of the index scan, so its plan is the date-ordered walk for any user. The
  // terms are parsed once, in a subquery: in a prepared statement's generic plan, websearch_to_tsquery of a
  // parameter would otherwise run again for every row walked (4.4 ms instead of 0.6 for 2,100 rows).
  return Prisma.sql`SELECT ${ASSET_ROW_COLUMNS} FROM (
      SELECT walked.id FROM (
        SELECT a.id, a."createdAt", a."searchVector" FROM "creative_assets" a
        WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY a."createdAt" ${direction}, a.id ${direction}
        LIMIT ${(limit + 1) * SEARCH_WALK_ROWS_PER_RESULT}
      ) walked
      WHERE walked."searchVector" @@ (SELECT websearch_to_tsquery('english', ${search}))
      ORDER BY walked."createdAt" ${direction}, walked.id ${direction}
      LIMIT ${limit + 1}
    ) hit JOIN "creative_assets" a ON a.id = hit.id
    ORDER BY a."createdAt" ${direction}, a.id ${direction}`;
}

/**
 * One page of a user's assets in a single statement: every filter of GET /assets as a bound parameter,
 * search on the trigger-maintained `searchVector` (GIN), keyset pagination on the sort column and id.
 * Returns limit+1 AssetRows (ASSET_ROW_COLUMNS) so the caller knows whether a next page exists.
 */
export function buildAssetPageSql(
  userId: string,
  query: ListAssetsQueryDto,
  tags: string[],
  range: CreatedRange,
): Prisma.Sql {
  const conditions = [Prisma.sql`a."userId" = ${userId}`, ...pageFilters(query, tags, range)];
  if (query.cursor)
    conditions.push(afterCursor(query.sort, query.order, decodeAssetCursor(query.cursor, query.sort, query.order)));

  const direction = Prisma.raw(query.order === 'asc' ? 'ASC' : 'DESC');
  return Prisma.sql`SELECT ${ASSET_ROW_COLUMNS} FROM "creative_assets" a
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${SORT_COLUMNS[query.sort].column} ${direction}, a.id ${direction}
    LIMIT ${query.limit + 1}`;
}

/**
 * Whether a page of buildAssetPageSql is a plain walk of the user's rows in sort order: no filter but the
 * cursor. Its plan is then the sort column's index whoever the user is, so the statement can be prepared
 * (DirectSql); a filter's best plan depends on how many of the user's rows match it.
 */
export function isUnfilteredPage(query: ListAssetsQueryDto, tags: string[], range: CreatedRange): boolean {
  return pageFilters(query, tags, range).length === 0;
}

/**
 * GET /assets/stats in one row of the answer's shape (GROUPING SETS; the empty set yields the total even over no
 * assets). The groups come from the month rollups for the whole UTC months of the range, the day rollups for its
 * other whole days and the assets themselves for the parts of a day at its ends; the per-day series from the day
 * totals and those same parts of a day. With it, in the same snapshot, the user's stats revision the answer is
 * exact for (RememberedStats).
 */
export function buildStatsSql(userId: string, { days, months, monthParts, edges }: StatsWindows): Prisma.Sql {
  const groupFacts: Prisma.Sql[] = [];
  const dayFacts: Prisma.Sql[] = [];
  const rollupColumns = Prisma.sql`"type", "sourceModule", nullif("provider", '') AS "provider",
               nullif("model", '') AS "model", "count", "cost", "views", "downloads", "shares", "uses"`;
  if (months)
    groupFacts.push(
      Prisma.sql`SELECT ${rollupColumns} FROM "creative_asset_month_rollups" WHERE ${inSpan(userId, 'month', months)}`,
    );
  for (const part of monthParts)
    groupFacts.push(
      Prisma.sql`SELECT ${rollupColumns} FROM "creative_asset_rollups" WHERE ${inSpan(userId, 'day', part)}`,
    );
  if (days)
    dayFacts.push(
      Prisma.sql`SELECT "day", "count", "cost" FROM "creative_asset_day_totals" WHERE ${inSpan(userId, 'day', days)}`,
    );
  let edgeFacts = Prisma.empty;
  if (edges.length > 0) {
    const windows = edges.map(({ from, to }) => Prisma.sql`("createdAt" >= ${from} AND "createdAt" < ${to})`);
    edgeFacts = Prisma.sql`edge_facts AS MATERIALIZED (
        SELECT "type", "sourceModule", "provider", "model", ("createdAt" AT TIME ZONE 'UTC')::date AS "day",
               1 AS "count", coalesce("cost", 0) AS "cost", "viewCount"::bigint AS "views",
               "downloadCount"::bigint AS "downloads", "shareCount"::bigint AS "shares", "useCount"::bigint AS "uses"
        FROM "creative_assets"
        WHERE "userId" = ${userId} AND (${Prisma.join(windows, ' OR ')})
      ),`;
    groupFacts.push(
      Prisma.sql`SELECT "type", "sourceModule", "provider", "model", "count", "cost", "views", "downloads", "shares", "uses" FROM edge_facts`,
    );
    dayFacts.push(Prisma.sql`SELECT "day", sum("count"), sum("cost") FROM edge_facts GROUP BY 1`);
  }
  // The answer is the JSON text of the response, written by PostgreSQL: hundreds of day rows, turned into objects
  // by the driver and serialized again for the response, cost the service more than the query costs the database.
  return Prisma.sql`
      WITH ${edgeFacts}
      groups AS (
        SELECT "type", "sourceModule", "provider", "model", sum("count") AS "count", sum("cost") AS "cost",
               sum("views") AS "views", sum("downloads") AS "downloads", sum("shares") AS "shares", sum("uses") AS "uses"
        FROM (${Prisma.join(groupFacts, ' UNION ALL ')}) AS facts GROUP BY 1, 2, 3, 4
      ),
      days ("day", "count", "cost") AS (${Prisma.join(dayFacts, ' UNION ALL ')}),
      sets AS (
        SELECT CASE
                 WHEN GROUPING("type") = 0 THEN 'type'
                 WHEN GROUPING("sourceModule") = 0 THEN 'sourceModule'
                 WHEN GROUPING("model") = 0 THEN 'model'
                 WHEN GROUPING("provider") = 0 THEN 'provider'
                 ELSE 'total'
               END AS "dimension",
               "type"::text AS "type", "sourceModule", "provider", "model",
               coalesce(sum("count"), 0)::int AS "count",
               round(coalesce(sum("cost"), 0), 6)::float8 AS "cost",
               coalesce(sum("views"), 0)::float8 AS "views",
               coalesce(sum("downloads"), 0)::float8 AS "downloads",
               coalesce(sum("shares"), 0)::float8 AS "shares",
               coalesce(sum("uses"), 0)::float8 AS "uses"
        FROM groups
        GROUP BY GROUPING SETS ((), ("type"), ("sourceModule"), ("provider"), ("provider", "model"))
      )
      SELECT json_build_object(
               'totalAssets', total."count", 'totalCost', total."cost",
               'usage', json_build_object('views', total."views", 'downloads', total."downloads",
                                          'shares', total."shares", 'uses', total."uses"),
               'byType', ${statsGroupList('type', Prisma.sql`'type', "type"`)},
               'bySourceModule', ${statsGroupList('sourceModule', Prisma.sql`'sourceModule', "sourceModule"`)},
               'costByProvider', ${statsGroupList('provider', Prisma.sql`'provider', "provider"`)},
               'costByModel', ${statsGroupList('model', Prisma.sql`'provider', "provider", 'model', "model"`)},
               'costByDay', coalesce((
                 SELECT json_agg(json_build_object('day', to_char("day", 'YYYY-MM-DD'), 'count', "count"::int,
                                                   'cost', round("cost", 6)::float8) ORDER BY "day")
                 FROM days
               ), '[]')
             )::text AS "stats",
             (SELECT "revision" FROM "creative_asset_stats_revisions" WHERE "userId" = ${userId}) AS "revision"
      FROM sets total
      WHERE total."dimension" = 'total'`;
}

/** A user's rollup rows whose `column` (a day or the first day of a month) falls in `span`. */
function inSpan(userId: string, column: 'day' | 'month', span: DateSpan): Prisma.Sql {
  const conditions = [Prisma.sql`"userId" = ${userId}`];
  if (span.from) conditions.push(Prisma.sql`${Prisma.raw(`"${column}"`)} >= ${span.from}::date`);
  if (span.to) conditions.push(Prisma.sql`${Prisma.raw(`"${column}"`)} < ${span.to}::date`);
  return Prisma.join(conditions, ' AND ');
}

/** The groups of one dimension of the stats as a JSON list, the costliest first. */
function statsGroupList(dimension: string, keys: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`coalesce((
               SELECT json_agg(json_build_object(${keys}, 'count', "count", 'cost', "cost") ORDER BY "cost" DESC, "count" DESC)
               FROM sets WHERE "dimension" = ${dimension}
             ), '[]')`;
}

/** How far a lineage walks from its asset each way, and how many related assets it answers at most. */
export const LINEAGE_LIMITS = { maxDepth: 50, maxRows: 500 } as const;

/**
 * The ancestors (parentAssetId upwards) and descendants (downwards) of asset `id` that `userId` may see, in
 * one recursive statement: the walk goes only through visible rows (someone else's private asset ends it, so
 * nothing beyond it is revealed), at most LINEAGE_LIMITS.maxDepth steps each way. Rows are AssetRows with
 * their `direction` and `depth` (1 = parent or child), nearest first.
 */
export function buildLineageSql(userId: string, id: string): Prisma.Sql {
  const { maxDepth, maxRows } = LINEAGE_LIMITS;
  return Prisma.sql`WITH RECURSIVE
    up (id, "parentAssetId", depth) AS (
      SELECT p.id, p."parentAssetId", 1
      FROM "creative_assets" s JOIN "creative_assets" p ON p.id = s."parentAssetId"
      WHERE s.id = ${id}::uuid AND (p."userId" = ${userId} OR p."isPublic")
      UNION ALL
      SELECT p.id, p."parentAssetId", up.depth + 1
      FROM up JOIN "creative_assets" p ON p.id = up."parentAssetId"
      WHERE up.depth < ${maxDepth} AND (p."userId" = ${userId} OR p."isPublic")
    ),
    down (id, depth) AS (
      SELECT c.id, 1 FROM "creative_assets" c
      WHERE c."parentAssetId" = ${id}::uuid AND (c."userId" = ${userId} OR c."isPublic")
      UNION ALL
      SELECT c.id, down.depth + 1
      FROM down JOIN "creative_assets" c ON c."parentAssetId" = down.id
      WHERE down.depth < ${maxDepth} AND (c."userId" = ${userId} OR c."isPublic")
    ),
    related (id, direction, depth) AS (
      SELECT id, 'ancestor', depth FROM up UNION ALL SELECT id, 'descendant', depth FROM down
    )
    SELECT r.direction, r.depth, ${ASSET_ROW_COLUMNS}
    FROM related r JOIN "creative_assets" a ON a.id = r.id
    ORDER BY r.direction, r.depth, a."createdAt", a.id
    LIMIT ${maxRows}`;
}
