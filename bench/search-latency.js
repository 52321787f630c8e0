'use strict';

/**
 * `npm run bench:search` — the time of each benchmarked search on its own: the statements the built service sends
 * for a first page of GET /assets?search= (AssetsService.listAssets on plain `pg`, as the baseline runs it), for
 * the heavy user, one at a time on one connection. Prints per query the median of blocks of runs, and the
 * matches the heavy user has, so a reader sees which searches are common and which rare. The routes' load
 * (bench/run.js) mixes the same queries at 32 connections.
 *
 * Options: --database-url (a seeded bench database), --blocks 10, --block-size 20.
 */
const { performance } = require('node:perf_hooks');
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { pgAssetServices, pgQuery } = require('./lib/asset-sql');
const { median } = require('./lib/report');
const { HEAVY_USER, SEARCHES } = require('./lib/routes');

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench' },
    blocks: { type: 'string', default: '10' },
    'block-size': { type: 'string', default: '20' },
  },
});

async function main() {
  const client = new Client({ connectionString: args['database-url'] });
  await client.connect();
  try {
    const { assets } = pgAssetServices(pgQuery(client));
    console.log(`| search | heavy user's matches | ms per first page (median of ${args.blocks} blocks) |`);
    console.log('|---|---:|---:|');
    for (const search of SEARCHES) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS matches FROM "creative_assets"
         WHERE "userId" = $1 AND "searchVector" @@ websearch_to_tsquery('english', $2)`,
        [HEAVY_USER, search],
      );
      const blockTimes = [];
      for (let block = 0; block <= Number(args.blocks); block++) {
        const started = performance.now();
        for (let run = 0; run < Number(args['block-size']); run++) await assets.listAssets(HEAVY_USER, { search });
        // The first block warms the connection's prepared statements and caches, and is not counted.
        if (block > 0) blockTimes.push((performance.now() - started) / Number(args['block-size']));
      }
      console.log(`| ${search} | ${rows[0].matches} | ${median(blockTimes).toFixed(2)} |`);
    }
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
