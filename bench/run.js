'use strict';

/**
 * `npm run bench` — see bench/README.md. Seeds a dedicated database, starts the built service, the framework
 * floor and the baseline as separate processes on 127.0.0.1, loads each route of each with autocannon from this
 * process, then benchmarks the image queue and EXPLAINs the list, search and stats queries.
 */
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { benchServiceEnv } = require('./lib/engine-env');
const { explainRoutes } = require('./lib/explain');
const { cpuTimeMsOf, memoryOf, startServer, ROOT } = require('./lib/processes');
const { RECORDER, readTimeline, typicalJob } = require('./lib/job-timeline');
const { benchLargeBurst, benchQueue } = require('./lib/queue');
const { inTurns } = require('./lib/load');
const { combineBlocks, formatReport } = require('./lib/report');
const { HEAVY_USER, loadFixtures, loadScenario, routeScenarios, startCountedChanges } = require('./lib/routes');
const { ensureSeeded } = require('./lib/seed');
const { IMAGE_GENERATION_QUEUE } = require('../dist/queue/queue.constants');

const { values: args } = parseArgs({
  options: {
    assets: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    /** The blocks each route's --duration is cut into, per server, taken in turns. */
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    jobs: { type: 'string', default: '600' },
    'large-jobs': { type: 'string', default: '8' },
    only: { type: 'string', default: 'routes,queue,burst,explain' },
    /** Comma-separated route kinds to load (list, search, get, write, stats); all by default. */
    kinds: { type: 'string', default: 'list,search,get,write,stats' },
    reseed: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'job-timeline': { type: 'boolean', default: false },
    'worker-process': { type: 'boolean', default: false },
    'worker-port': { type: 'string', default: '3913' },
    /** Extra Node flags for the service process, e.g. "--max-semi-space-size=8" (space-separated). */
    'service-node-args': { type: 'string', default: '' },
    'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/creative_engine_bench' },
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'service-port': { type: 'string', default: '3910' },
    'baseline-port': { type: 'string', default: '3911' },
    'floor-port': { type: 'string', default: '3912' },
    /** Routes without the bare Nest app (bench/nest-floor-server.js) that splits the service's extra cost. */
    'skip-floor': { type: 'boolean', default: false },
  },
});

const assets = Number(args.assets);
const phases = new Set(args.only.split(','));
const databaseUrl = args['database-url'];
const log = (message) => console.log(message);

/**
 * Each route on every server (the service, the framework floor when it runs, the baseline): a warm-up each, then
 * `--rounds` blocks each that share `--duration`, taken in turns (lib/load.js), so that a slow spell of the machine
 * falls on every server alike rather than on whichever was loaded during it.
 */
async function benchRoutes(servers, fixtures) {
  const [service] = servers;
  const rounds = Number(args.rounds);
  const rows = [];
  let peakRssMb = 0;
  const kinds = new Set(args.kinds.split(','));
  for (const scenario of routeScenarios(fixtures).filter((candidate) => kinds.has(candidate.kind))) {
    // While the library changes as the scenario says, for every server alike.
    const load = async (server, durationSeconds) => {
      const stopChanges =
        scenario.countedChangesPerSecond &&
        (await startCountedChanges(databaseUrl, fixtures.assetIds, scenario.countedChangesPerSecond));
      try {
        return await loadScenario(server, scenario, { connections: Number(args.connections), durationSeconds });
      } finally {
        if (stopChanges) await stopChanges();
      }
    };
    // JIT, pool connections, plan caches.
    for (const server of servers) await load(server, Number(args.warmup));
    const blocks = await inTurns(servers, rounds, async (server) => {
      const sampler =
        server === service &&
        setInterval(() => {
          peakRssMb = Math.max(peakRssMb, memoryOf(service.pid).rssMb);
        }, 100);
      const cpuBefore = cpuTimeMsOf(server.pid);
      const result = await load(server, Number(args.duration) / rounds);
      clearInterval(sampler);
      return { ...result, cpuMsPerRequest: (cpuTimeMsOf(server.pid) - cpuBefore) / result.requests };
    });
    const measured = Object.fromEntries(servers.map((server, index) => [server.name, combineBlocks(blocks[index])]));
    const row = { route: scenario.name, kind: scenario.kind, ...measured };
    rows.push(row);
    const failures = servers.filter((server) => measured[server.name].failures > 0);
    log(
      `  ${scenario.name}: ` +
        servers
          .map(({ name }) => {
            const { requestsPerSecond, p50Ms, p99Ms, cpuMsPerRequest } = measured[name];
            return `${name} ${requestsPerSecond.toFixed(0)} req/s p50 ${p50Ms} p99 ${p99Ms} ms CPU ${cpuMsPerRequest.toFixed(2)} ms/req`;
          })
          .join(' | ') +
        ` | ratio ${(row.service.requestsPerSecond / row.baseline.requestsPerSecond).toFixed(2)}` +
        (failures.length > 0
          ? ` | FAILURES ${failures.map(({ name }) => `${name} ${measured[name].failures}`).join(', ')}`
          : ''),
    );
  }
  return { rows, peakRssMb: Math.max(peakRssMb, memoryOf(service.pid).peakRssMb) };
}

async function main() {
  const startedAt = new Date();
  await ensureSeeded({ databaseUrl, assets, reseed: args.reseed, log });
  const fixtures = await loadFixtures(databaseUrl);
  const report = {
    startedAt,
    assets,
    args,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
  };

  if (phases.has('routes') || phases.has('queue') || phases.has('burst')) {
    const storageDir = mkdtempSync(path.join(os.tmpdir(), 'creative-engine-bench-'));
    const queuePrefix = `bench-${process.pid}-${Date.now()}`;
    const serviceEnv = benchServiceEnv({ databaseUrl, redisUrl: args['redis-url'], queuePrefix, storageDir });
    const profileDir = path.join(ROOT, 'bench', 'profiles');
    if (args['cpu-prof']) mkdirSync(profileDir, { recursive: true });
    const serviceNodeArgs = args['service-node-args'].split(' ').filter(Boolean);
    const timelineDir = args['job-timeline'] ? mkdtempSync(path.join(os.tmpdir(), 'creative-engine-timeline-')) : null;
    const timelineArgs = timelineDir
      ? { nodeArgs: ['--require', RECORDER], env: { BENCH_JOB_TIMELINE_DIR: timelineDir } }
      : { nodeArgs: [], env: {} };
    const serviceProcessArgs = {
      env: { ...serviceEnv, ...timelineArgs.env },
      nodeArgs: [
        ...serviceNodeArgs,
        ...timelineArgs.nodeArgs,
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ],
    };
    const service = await startServer({
      name: 'service',
      script: 'dist/main.js',
      port: Number(args['service-port']),
      ...serviceProcessArgs,
      env: { ...serviceProcessArgs.env, ...(args['worker-process'] ? { WORKER_ENABLED: 'false' } : {}) },
    });
    // The split deployment: the API only enqueues, `node dist/worker.js` consumes (ready once its metrics answer).
    const worker = args['worker-process']
      ? await startServer({
          name: 'worker',
          script: 'dist/worker.js',
          port: Number(args['worker-port']),
          readyPath: '/metrics',
          ...serviceProcessArgs,
          env: { ...serviceProcessArgs.env, METRICS_PORT: args['worker-port'] },
        })
      : null;
    // The process that renders the images: its memory is the burst's.
    const imageProcess = worker ?? service;
    const baseline = await startServer({
      name: 'baseline',
      script: 'bench/baseline-server.js',
      port: Number(args['baseline-port']),
      env: { DATABASE_URL: databaseUrl },
    });
    const floor =
      phases.has('routes') && !args['skip-floor']
        ? await startServer({
            name: 'floor',
            script: 'bench/nest-floor-server.js',
            port: Number(args['floor-port']),
            env: { DATABASE_URL: databaseUrl },
            // The service's heap flags too: they change what each request costs in garbage collection.
            nodeArgs: serviceNodeArgs,
          })
        : null;
    try {
      report.startRssMb = memoryOf(service.pid).rssMb;
      if (phases.has('routes')) {
        log(
          `Routes: ${args.connections} connections, ${args.duration} s each (after ${args.warmup} s warm-up), user ${HEAVY_USER}`,
        );
        Object.assign(report, await benchRoutes([service, floor, baseline].filter(Boolean), fixtures));
      }
      if (phases.has('queue')) {
        log(
          `Queue: ${args.jobs} jobs through POST /image/generate (placeholder provider) vs a minimal bare-Bull worker doing the same work`,
        );
        report.queue = await benchQueue({
          service,
          worker,
          databaseUrl,
          redisUrl: args['redis-url'],
          queuePrefix,
          jobs: Number(args.jobs),
          rounds: Number(args.rounds),
          // The service's Node flags for the minimal worker too, as for the floor: they change what garbage
          // collection costs per job.
          minimalWorkerArgs: { ...timelineArgs, nodeArgs: [...serviceNodeArgs, ...timelineArgs.nodeArgs] },
          log,
        });
        report.peakRssAfterQueueMb = memoryOf(imageProcess.pid).peakRssMb;
      }
      if (phases.has('burst')) {
        log(`Burst: ${args['large-jobs']} large image jobs submitted at once`);
        report.burst = await benchLargeBurst({
          service,
          databaseUrl,
          jobs: Number(args['large-jobs']),
          sampleRss: () => memoryOf(imageProcess.pid).rssMb,
          log,
        });
        // VmHWM: the highest RSS of the service's whole life, routes and queue phases included.
        report.burst.lifetimePeakRssMb = memoryOf(imageProcess.pid).peakRssMb;
        report.burst.imageProcess = imageProcess.name;
      }
    } finally {
      await floor?.stop();
      await baseline.stop();
      await worker?.stop();
      await service.stop();
      rmSync(storageDir, { recursive: true, force: true });
    }
    if (timelineDir && report.queue) {
      const { windows, minimalWorkerPid } = report.queue;
      report.queue.timeline = {
        pipeline: typicalJob(readTimeline(timelineDir, imageProcess.pid, IMAGE_GENERATION_QUEUE), windows.pipeline),
        minimalWorker: typicalJob(readTimeline(timelineDir, minimalWorkerPid, IMAGE_GENERATION_QUEUE), windows.minimal),
      };
      rmSync(timelineDir, { recursive: true, force: true });
    }
  }

  if (phases.has('explain')) {
    // Files are kept for the large run (the 1M); smaller runs only check the plans.
    const outputDir = assets >= 1_000_000 ? path.join(ROOT, 'bench', 'explain') : undefined;
    report.explain = await explainRoutes({ databaseUrl, fixtures, outputDir, assets });
  }

  const markdown = formatReport(report);
  console.log(`\n${markdown}`);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${assets}-assets.md`), markdown);
  writeFileSync(path.join(resultsDir, `${assets}-assets.json`), JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
