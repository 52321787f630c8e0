'use strict';

/**
 * `npm run bench:prepared` — what preparing a statement saves PostgreSQL: the statements the service sends
 * through `prisma.prepared` (an asset by its id, an unfiltered page, the favorite update, the stats), from the
 * built service, run one at a time on one connection, prepared and unprepared in turn (blocks of each,
 * interleaved, so a machine that speeds up or slows down during the run moves both alike). Prints per statement the median time of a run
 * each way and their ratio. The heavy user's rows of a bench database seeded by bench/run.js.
 *
 * Options: --database-url (a seeded bench database), --blocks 20, --block-size 50.
 */
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { pgAssetServices, pgQuery } = require('./lib/asset-sql');
const { HEAVY_USER } = require('./lib/seed');

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench' },
    blocks: { type: 'string', default: '20' },
    'block-size': { type: 'string', default: '50' },
  },
});
const blocks = Number(args.blocks);
const blockSize = Number(args['block-size']);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  const client = new Client({ connectionString: args['database-url'] });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT id FROM "creative_assets" WHERE "userId" = $1 ORDER BY md5(id::text) LIMIT 100`,
      [HEAVY_USER],
    );
    const ids = rows.map((row) => row.id);
    /** The service's code on this connection; `prepares` decides whether its prepared statements are named. */
    const servicesOn = (prepares) => pgAssetServices(pgQuery(client, { prepares }));
    const ways = { unprepared: servicesOn(false), prepared: servicesOn(true) };
    const statements = {
      'GET /asset/:id (the asset by its id)': ({ assets }, index) =>
        assets.getAsset(HEAVY_USER, ids[index % ids.length]),
      'GET /assets (the first page, unfiltered)': ({ assets }) => assets.listAssets(HEAVY_USER, {}),
      'POST /asset/:id/favorite (one UPDATE)': ({ assets }, index) =>
        assets.toggleFavorite(HEAVY_USER, ids[index % ids.length]),
      'GET /assets/stats (the rollups)': ({ stats }) => stats.getStatsJson(HEAVY_USER, {}),
    };
    console.log(
      `Prepared statements: ${blocks} blocks of ${blockSize} runs each way, interleaved, one connection, user ${HEAVY_USER}`,
    );
    console.log('| statement | unprepared ms (median of a run) | prepared ms | prepared ÷ unprepared |');
    console.log('|---|---:|---:|---:|');
    for (const [label, run] of Object.entries(statements)) {
      const times = { unprepared: [], prepared: [] };
      // Warm-up: the caches, and the five custom plans PostgreSQL makes before it considers a generic one.
      for (const services of Object.values(ways)) for (let index = 0; index < 10; index++) await run(services, index);
      for (let block = 0; block < blocks; block++) {
        for (const [way, services] of Object.entries(ways)) {
          for (let index = 0; index < blockSize; index++) {
            const started = performance.now();
            await run(services, block * blockSize + index);
            times[way].push(performance.now() - started);
          }
        }
      }
      const [unprepared, prepared] = [median(times.unprepared), median(times.prepared)];
      console.log(
        `| ${label} | ${unprepared.toFixed(3)} | ${prepared.toFixed(3)} | ${(prepared / unprepared).toFixed(2)} |`,
      );
    }
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
