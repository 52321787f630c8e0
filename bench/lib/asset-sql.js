'use strict';

/**
 * The benchmarked routes' service code from the built service (dist/), running on plain `pg` instead of
 * Prisma. The baseline server and the EXPLAIN step use it, so both send exactly the SQL the service sends:
 * the benchmarked routes (GET /assets page, GET /asset/:id, the favorite UPDATE, GET /assets/stats) are all
 * raw statements in the service's AssetsRepository (`direct.query` or `prepared.query`, on the pool), passed
 * through unchanged.
 */
const { createHash } = require('node:crypto');
const { types } = require('pg');
const { Prisma } = require('../../dist/generated/prisma/client');
const { AssetLinks } = require('../../dist/assets/asset-links');
const { AssetStatsService } = require('../../dist/assets/asset-stats.service');
const { AssetsRepository } = require('../../dist/assets/assets.repository');
const { AssetsService } = require('../../dist/assets/assets.service');
const { CollectionsRepository } = require('../../dist/assets/collections.repository');
const { EngineMetrics } = require('../../dist/metrics/engine-metrics');
const { toStatement } = require('../../dist/prisma/direct-sql');
const { benchConfig } = require('./engine-env');

// The service's raw statements give numeric as Decimal and int8 as BigInt (pg: strings); its mappers expect those.
types.setTypeParser(types.builtins.NUMERIC, (value) => new Prisma.Decimal(value));
types.setTypeParser(types.builtins.INT8, (value) => BigInt(value));

/**
 * The part of PrismaService the benchmarked routes use, on `query(text, values, { prepare }) → rows`: `direct.query`
 * and `prepared.query`, called both as a tagged template and with a prebuilt Prisma.Sql, turned into a statement as
 * the service's DirectSql does; `prepare` says which of the two the service sends it through.
 */
function pgPrisma(query) {
  const sender = (prepare) => ({
    query(...input) {
      const { text, values } = toStatement(input);
      return query(text, values, { prepare });
    },
  });
  return { direct: sender(false), prepared: sender(true) };
}

/**
 * `query(text, values, { prepare })` for pgAssetServices on a `pg` Pool or Client: the statements the service
 * prepares are named by their text (so prepared once per connection) unless `prepares` is false.
 */
function pgQuery(db, { prepares = true } = {}) {
  return async (text, values, { prepare }) => {
    const name = prepares && prepare ? { name: `bench_${createHash('sha1').update(text).digest('base64url')}` } : {};
    return (await db.query({ text, values, ...name })).rows;
  };
}

/**
 * AssetsService and AssetStatsService of the service over its repositories, on plain pg, with the service's
 * signed links of the local driver and its remembered stats (storage, stored files, jobs and events are not used
 * by these routes).
 */
function pgAssetServices(query) {
  const repository = new AssetsRepository(pgPrisma(query));
  const config = benchConfig();
  const links = new AssetLinks(config, { presignsLinks: false });
  return {
    assets: new AssetsService(repository, new CollectionsRepository(pgPrisma(query)), null, null, null, links, null),
    stats: new AssetStatsService(repository, config, new EngineMetrics(config)),
  };
}

/** A GET /assets query string → the query object the ValidationPipe would hand the service. */
function listQueryFrom(params) {
  const query = {};
  for (const key of [
    'type',
    'status',
    'category',
    'provider',
    'model',
    'sourceModule',
    'search',
    'cursor',
    'sort',
    'order',
    'createdFrom',
    'createdTo',
  ]) {
    if (params.has(key)) query[key] = params.get(key);
  }
  if (params.has('limit')) query.limit = Number(params.get('limit'));
  if (params.has('tags')) query.tags = params.get('tags').split(',');
  return query;
}

module.exports = { pgAssetServices, pgQuery, listQueryFrom };
