'use strict';

/**
 * The baseline every route is compared with: node:http and a `pg` pool (the same size as the service's)
 * running the service's own SQL and response mapping (lib/asset-sql.js), with none of Nest, Express,
 * class-validator or Prisma in the way. Routes and the X-User-Id header match the service's, so the load
 * driver sends both servers identical requests.
 *
 * Env: DATABASE_URL, PORT, DATABASE_POOL_SIZE (10).
 */
const http = require('node:http');
const { Pool } = require('pg');
const { ERROR_STATUS } = require('../dist/common/errors');
const { listQueryFrom, pgAssetServices, pgQuery } = require('./lib/asset-sql');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});
// The statements the service prepares are prepared here too, so both send PostgreSQL the same work and the ratio
// measures the stack.
const { assets, stats } = pgAssetServices(pgQuery(pool));

const ASSET_ROUTE = /^\/api\/creative\/asset\/([0-9a-f-]{36})(\/favorite)?$/;

function route(method, url, userId) {
  if (method === 'GET' && url.pathname === '/api/creative/assets')
    return assets.listAssets(userId, listQueryFrom(url.searchParams));
  if (method === 'GET' && url.pathname === '/api/creative/assets/stats') return stats.getStatsJson(userId, {});
  const match = ASSET_ROUTE.exec(url.pathname);
  if (match && method === 'GET' && !match[2]) return assets.getAsset(userId, match[1]);
  if (match && method === 'POST' && match[2]) return assets.toggleFavorite(userId, match[1]);
  if (method === 'GET' && url.pathname === '/health') return Promise.resolve({ status: 'ok' });
  return null;
}

/** A string body is JSON text already (the stats, as PostgreSQL writes them): sent as it is, like the service does. */
function send(response, status, body) {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

const server = http.createServer((request, response) => {
  // Drain any request body (favorite has none) before answering.
  request.resume();
  request.on('end', () => {
    const result = route(request.method, new URL(request.url, 'http://baseline'), request.headers['x-user-id']);
    if (!result) return send(response, 404, { success: false, statusCode: 404, error: 'NOT_FOUND' });
    result.then(
      (body) => send(response, 200, body),
      (error) => {
        const statusCode = ERROR_STATUS[error.code] ?? 500;
        send(response, statusCode, {
          success: false,
          statusCode,
          error: error.code ?? 'INTERNAL_ERROR',
          message: error.message,
        });
      },
    );
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => server.close(() => pool.end().then(() => process.exit(0))));
