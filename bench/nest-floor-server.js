'use strict';

/**
 * The framework floor: a bare NestJS app on Express (the service's platform) with one controller for the
 * benchmarked routes, calling the same code on the same `pg` pool as the baseline (lib/asset-sql.js). No guard,
 * pipe, filter, interceptor or middleware of the service's; no other route. Between the baseline (node:http) and
 * the service, it splits the service's extra CPU per request into what Nest and Express cost by themselves and
 * what the service adds on top of them (metrics, request logging, auth, rate limits, validation, its other routes).
 * bench/run.js starts it with the service's Node flags.
 *
 * Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE (10).
 */
require('reflect-metadata');
const { Controller, Get, Header, Headers, HttpCode, Module, Param, Post, Query } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Pool } = require('pg');
const { JSON_CONTENT_TYPE } = require('../dist/common/json-body');
const { listQueryFrom, pgAssetServices, pgQuery } = require('./lib/asset-sql');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
const { assets, stats } = pgAssetServices(pgQuery(pool));

/** What tsc emits for a parameter decorator (`__param`). */
const param = (index, decorator) => (target, key) => decorator(target, key, index);

/** Decorates a method as tsc's `__decorate` does: route decorators and parameter decorators alike. */
function decorate(type, method, decorators) {
  Reflect.decorate(decorators, type.prototype, method, Object.getOwnPropertyDescriptor(type.prototype, method));
}

class FloorAssetsController {
  list(query, userId) {
    return assets.listAssets(userId, listQueryFrom(new URLSearchParams(query)));
  }

  stats(userId) {
    return stats.getStatsJson(userId, {});
  }

  get(id, userId) {
    return assets.getAsset(userId, id);
  }

  favorite(id, userId) {
    return assets.toggleFavorite(userId, id);
  }
}
decorate(FloorAssetsController, 'list', [Get('assets'), param(0, Query()), param(1, Headers('x-user-id'))]);
decorate(FloorAssetsController, 'stats', [
  Get('assets/stats'),
  Header('Content-Type', JSON_CONTENT_TYPE),
  param(0, Headers('x-user-id')),
]);
decorate(FloorAssetsController, 'get', [Get('asset/:id'), param(0, Param('id')), param(1, Headers('x-user-id'))]);
decorate(FloorAssetsController, 'favorite', [
  Post('asset/:id/favorite'),
  HttpCode(200),
  param(0, Param('id')),
  param(1, Headers('x-user-id')),
]);
Controller('api/creative')(FloorAssetsController);

class FloorHealthController {
  health() {
    return { status: 'ok' };
  }
}
decorate(FloorHealthController, 'health', [Get('health')]);
Controller()(FloorHealthController);

class FloorModule {}
Module({ controllers: [FloorAssetsController, FloorHealthController] })(FloorModule);

async function main() {
  const app = await NestFactory.create(FloorModule, { logger: ['error'] });
  // As the service is set up (src/bootstrap.ts): no X-Powered-By, no ETag hashing of every body.
  app.disable('x-powered-by');
  app.set('etag', false);
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  for (const signal of ['SIGTERM', 'SIGINT'])
    process.on(signal, () => app.close().then(() => pool.end().then(() => process.exit(0))));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
