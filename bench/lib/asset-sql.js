'use strict';

/**
 * The benchmarked routes' service code from the built service (dist/), running on plain `pg` instead of
 * Prisma. The baseline server and the EXPLAIN step use it, so both send exactly the SQL the service sends:
 * - raw SQL (the GET /assets id page, GET /assets/stats, the favorite UPDATE) is the services' own, passed
 *   through unchanged;
 * - the two Prisma model calls on these paths are written out as the single-table SELECTs Prisma issues:
 *   findFirst (visibility check of GET /asset/:id and favorite) and findMany by ids (rows of a list page).
 */
const { Prisma } = require('../../dist/generated/prisma/client');
const { AssetStatsService } = require('../../dist/assets/asset-stats.service');
const { AssetsService } = require('../../dist/assets/assets.service');

/** Every scalar column Prisma reads for a CreativeAsset (all but the Unsupported searchVector). */
const ASSET_COLUMNS = [
  'id', 'userId', 'type', 'category', 'title', 'description', 'prompt', 'negativePrompt', 'model', 'generationId', 'url',
  'thumbnailUrl', 'fileSize', 'duration', 'width', 'height', 'format', 'parameters', 'seed', 'steps', 'guidance', 'sampler',
  'status', 'isPublic', 'isFavorite', 'tags', 'provider', 'cost', 'sourceModule', 'mimeType', 'storageKey', 'thumbnailKey',
  'content', 'metadata', 'generationTimeMs', 'parentAssetId', 'viewCount', 'downloadCount', 'shareCount', 'useCount',
  'lastUsedAt', 'createdAt', 'updatedAt',
]
  .map((column) => `"${column}"`)
  .join(', ');

/** findMany({ where: { id: { in: ids } } }), the ids as one array parameter. */
const ASSETS_BY_IDS_SQL = `SELECT ${ASSET_COLUMNS} FROM "creative_assets" WHERE "id" = ANY($1::uuid[])`;

/** findFirst({ where: { id, OR: [{ userId }, { isPublic: true }] } }). */
const VISIBLE_ASSET_SQL = `SELECT ${ASSET_COLUMNS} FROM "creative_assets" WHERE "id" = $1::uuid AND ("userId" = $2 OR "isPublic" = true) LIMIT 1`;

/** pg gives numeric and bigint as strings; the services expect Prisma's Decimal and BigInt. */
function toPrismaRow(row) {
  return {
    ...row,
    cost: row.cost === null ? null : new Prisma.Decimal(row.cost),
    seed: row.seed === null ? null : BigInt(row.seed),
  };
}

/**
 * The part of PrismaService the benchmarked routes use, on `query(text, values) → rows`.
 * `$queryRaw` is called both as a tagged template and with a prebuilt Prisma.Sql.
 */
function pgPrisma(query) {
  return {
    $queryRaw(first, ...rest) {
      const sql = first instanceof Prisma.Sql ? first : Prisma.sql(first, ...rest);
      return query(sql.text, sql.values);
    },
    creativeAsset: {
      async findFirst({ where }) {
        const [row] = await query(VISIBLE_ASSET_SQL, [where.id, where.OR[0].userId]);
        return row ? toPrismaRow(row) : null;
      },
      async findMany({ where }) {
        return (await query(ASSETS_BY_IDS_SQL, [where.id.in])).map(toPrismaRow);
      },
    },
  };
}

/** AssetsService and AssetStatsService of the service, on plain pg (storage is not used by these routes). */
function pgAssetServices(query) {
  const prisma = pgPrisma(query);
  return { assets: new AssetsService(prisma, null), stats: new AssetStatsService(prisma) };
}

/** A GET /assets query string → the query object the ValidationPipe would hand the service. */
function listQueryFrom(params) {
  const query = {};
  for (const key of ['type', 'status', 'category', 'provider', 'model', 'sourceModule', 'search', 'cursor', 'sort', 'order', 'createdFrom', 'createdTo']) {
    if (params.has(key)) query[key] = params.get(key);
  }
  if (params.has('limit')) query.limit = Number(params.get('limit'));
  if (params.has('tags')) query.tags = params.get('tags').split(',');
  return query;
}

module.exports = { pgAssetServices, listQueryFrom };
