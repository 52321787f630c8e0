'use strict';

/**
 * `npm run bench:growth` — how each read's cost grows with the library: runs bench/run.js's route phase for
 * every size (list, deep cursor, search, stats; each size in a database of its own, so a second run reuses
 * the seeds) and prints one table of p50/p99 per route and size, the service beside the baseline of the same
 * run. Options: --sizes 10000,100000,1000000 and any option of bench/run.js after `--`.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = path.join(__dirname, '..');
const { values: args, positionals: runArgs } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench' },
  },
  allowPositionals: true,
});

const sizes = args.sizes.split(',').map(Number);
const reports = sizes.map((assets) => {
  // The 1M database keeps the name run.js uses by default; smaller ones get a suffix of their own.
  const databaseUrl = assets === 1_000_000 ? args['database-url'] : `${args['database-url']}_${assets}`;
  execFileSync(
    process.execPath,
    [
      path.join(__dirname, 'run.js'),
      `--assets=${assets}`,
      '--only=routes',
      '--kinds=list,search,stats',
      '--skip-floor',
      `--database-url=${databaseUrl}`,
      ...runArgs,
    ],
    { stdio: 'inherit' },
  );
  return JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results', `${assets}-assets.json`), 'utf8'));
});

const label = (assets) => (assets >= 1_000_000 ? `${assets / 1_000_000}M` : `${assets / 1000}k`);
const lines = [
  `| route | ${sizes.map((assets) => `${label(assets)} p50 / p99 ms (baseline)`).join(' | ')} |`,
  `|---|${sizes.map(() => '---:').join('|')}|`,
];
// A route's name without the depth of its cursor, which differs from one library size to the next.
const routeName = (route) => route.replace(/ at row \d+/, '');
for (const { route } of reports[0].rows) {
  const cells = reports.map((report) => {
    const row = report.rows.find((candidate) => routeName(candidate.route) === routeName(route));
    return `${row.service.p50Ms} / ${row.service.p99Ms} (${row.baseline.p50Ms} / ${row.baseline.p99Ms})`;
  });
  lines.push(`| ${routeName(route)} | ${cells.join(' | ')} |`);
}
console.log(`\nGrowth (heavy user, ${reports[0].args.connections} connections):\n\n${lines.join('\n')}\n`);
