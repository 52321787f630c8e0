'use strict';

const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const { pgAssetServices } = require('./asset-sql');
const { HEAVY_USER, MOST_COMMON_TAG, SEARCHES } = require('./routes');

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement the list, search and stats routes send, captured by running
 * the service's own code (lib/asset-sql.js) for the heavy user. A plan that reads creative_assets with a
 * sequential scan is reported as a failure.
 */
async function explainRoutes({ databaseUrl, fixtures, outputDir, assets }) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const cases = [
      ['list-first-page', (services) => services.assets.listAssets(HEAVY_USER, {})],
      [
        'list-deep-cursor-type-tag',
        (services) =>
          services.assets.listAssets(HEAVY_USER, {
            type: 'image',
            tags: [MOST_COMMON_TAG],
            cursor: fixtures.deepCursor,
          }),
      ],
      ...SEARCHES.map((search, index) => [
        `search-${index + 1}`,
        (services) => services.assets.listAssets(HEAVY_USER, { search }),
      ]),
      ['stats', (services) => services.stats.getStats(HEAVY_USER, {})],
    ];
    const results = [];
    for (const [name, run] of cases) {
      const statements = [];
      const services = pgAssetServices(async (text, values) => {
        const { rows: plan } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
        statements.push({ text, values, plan: plan.map((row) => row['QUERY PLAN']).join('\n') });
        return (await client.query(text, values)).rows;
      });
      await run(services);
      const seqScan = statements.some((statement) => /Seq Scan on creative_assets/.test(statement.plan));
      const executionMs = statements.map((statement) =>
        Number(/Execution Time: ([\d.]+) ms/.exec(statement.plan)?.[1] ?? NaN),
      );
      results.push({ name, seqScan, executionMs });
      if (outputDir) {
        mkdirSync(outputDir, { recursive: true });
        const body = statements
          .map(
            ({ text, values, plan }, index) =>
              `-- statement ${index + 1}\n${text.trim()}\n-- parameters: ${JSON.stringify(values)}\n\n${plan}\n`,
          )
          .join('\n');
        writeFileSync(
          path.join(outputDir, `${name}.txt`),
          `-- ${name}: ${assets} assets, user ${HEAVY_USER}\n\n${body}`,
        );
      }
    }
    return results;
  } finally {
    await client.end();
  }
}

module.exports = { explainRoutes };
