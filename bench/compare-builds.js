'use strict';

/**
 * `npm run bench:compare -- --builds <checkout>,<checkout>[,…]` — see bench/README.md. Starts the built service of
 * each checkout at once (each its own process, port, queue prefix and storage directory, on one seeded database)
 * and loads them in turn, in short blocks, round after round, the order reversed every other round. A drift of the
 * machine's speed then falls on every build alike, and the median of each build's blocks compares the builds: CPU
 * time per request of the service process first, throughput and p99 beside it.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { benchServiceEnv } = require('./lib/engine-env');
const { inTurns } = require('./lib/load');
const { cpuTimeMsOf, startServer } = require('./lib/processes');
const { median, percentile } = require('./lib/report');
const { loadFixtures, loadScenario, routeScenarios } = require('./lib/routes');

const { values: args } = parseArgs({
  options: {
    /** Comma-separated checkouts, each built (`npm run build`); the first is the one the others are compared with. */
    builds: { type: 'string' },
    kinds: { type: 'string', default: 'list,get' },
    rounds: { type: 'string', default: '12' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    'service-node-args': { type: 'string', default: '--max-old-space-size=256 --max-semi-space-size=8' },
    'database-url': {
      type: 'string',
      default: 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench_100000',
    },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'first-port': { type: 'string', default: '3930' },
  },
});

async function main() {
  const builds = (args.builds ?? '')
    .split(',')
    .filter(Boolean)
    .map((build) => path.resolve(build));
  if (builds.length < 2) throw new Error('--builds needs at least two checkouts, separated by commas');
  const databaseUrl = args['database-url'];
  const fixtures = await loadFixtures(databaseUrl);
  const kinds = new Set(args.kinds.split(','));
  const scenarios = routeScenarios(fixtures).filter((scenario) => kinds.has(scenario.kind));
  const storageDirs = [];
  const servers = [];
  try {
    for (const [index, root] of builds.entries()) {
      const storageDir = mkdtempSync(path.join(os.tmpdir(), 'creative-engine-compare-'));
      storageDirs.push(storageDir);
      const queuePrefix = `compare-${process.pid}-${index}`;
      servers.push(
        await startServer({
          name: root,
          root,
          script: 'dist/main.js',
          port: Number(args['first-port']) + index,
          env: benchServiceEnv({ databaseUrl, redisUrl: args['redis-url'], queuePrefix, storageDir }),
          nodeArgs: args['service-node-args'].split(' ').filter(Boolean),
        }),
      );
    }
    const load = (server, scenario, durationSeconds) =>
      loadScenario(server, scenario, { connections: Number(args.connections), durationSeconds });
    for (const scenario of scenarios) for (const server of servers) await load(server, scenario, 3); // warm-up
    const blocks = new Map();
    for (const scenario of scenarios) {
      const measure = async (server) => {
        const cpuBefore = cpuTimeMsOf(server.pid);
        const result = await load(server, scenario, Number(args.seconds));
        if (result.failures > 0)
          throw new Error(`${server.name}: ${result.failures} failed requests on ${scenario.name}`);
        return {
          cpuMsPerRequest: (cpuTimeMsOf(server.pid) - cpuBefore) / result.requests,
          requestsPerSecond: result.requestsPerSecond,
          p99Ms: percentile(result.latenciesMs, 0.99),
        };
      };
      blocks.set(scenario, await inTurns(servers, Number(args.rounds), measure));
    }
    console.log(
      `${args.rounds} rounds of ${args.seconds} s blocks, ${args.connections} connections, ${os.cpus().length} × ` +
        `${os.cpus()[0]?.model}, Node ${process.version}; medians of the blocks\n`,
    );
    console.log('| route | build | CPU ms/request | ÷ first build | req/s | p99 ms |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const scenario of scenarios) {
      const perBuild = blocks.get(scenario).map((runs) => ({
        cpu: median(runs.map((run) => run.cpuMsPerRequest)),
        requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
        p99Ms: median(runs.map((run) => run.p99Ms)),
      }));
      perBuild.forEach((build, index) =>
        console.log(
          `| ${scenario.name} | ${builds[index]} | ${build.cpu.toFixed(3)} | ${(build.cpu / perBuild[0].cpu).toFixed(3)} | ` +
            `${build.requestsPerSecond.toFixed(0)} | ${build.p99Ms.toFixed(1)} |`,
        ),
      );
    }
  } finally {
    for (const server of servers) await server.stop();
    for (const storageDir of storageDirs) rmSync(storageDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
