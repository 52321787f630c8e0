'use strict';

const { fork } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdtemp, rm } = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const Bull = require('bull');
const { PlaceholderImageProvider } = require('../../dist/providers/image/placeholder-image.provider');
const { PixelBudget } = require('../../dist/storage/pixel-budget');
const { JOB_NAMES, IMAGE_GENERATION_QUEUE, jobOptions, queueSettings } = require('../../dist/queue/queue.constants');
const { benchConfig } = require('./engine-env');
const { sumThreadCpuMs, threadCpuMsOf, threadCpuMsPer } = require('./processes');
const { inTurns } = require('./load');
const { median, percentile } = require('./report');
const { withClient } = require('./seed');

/** The fixed small image every benchmark job asks for. */
const IMAGE_SIZE = '64x64';
/** Requests (or Bull adds) in flight while enqueueing, for both the pipeline and the minimal worker. */
const ENQUEUE_CONCURRENCY = 16;
const WARM_UP_JOBS = 10;
const SEQUENTIAL_JOBS = 50;
const POLL_MS = 20;
const TIMEOUT_MS = 10 * 60_000;
/** The service's default WORKER_CONCURRENCY, given to the minimal worker too. */
const WORKER_CONCURRENCY = benchConfig().worker.concurrency;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function inParallel(count, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function waitFor(check, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    if (await check()) return performance.now();
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(POLL_MS);
  }
}

const jobPrompt = (index) => `Benchmark job ${index}: a lighthouse at dawn, watercolor`;

async function enqueueImage(service, userId, index) {
  const response = await fetch(`${service.baseUrl}/api/creative/image/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': userId },
    body: JSON.stringify({ prompt: jobPrompt(index), provider: 'placeholder', size: IMAGE_SIZE }),
  });
  if (response.status !== 202)
    throw new Error(`POST /image/generate answered ${response.status}: ${await response.text()}`);
  return (await response.json()).jobId;
}

/**
 * Enqueues `jobs` over HTTP and times them until every job is completed (or failed) in the database; the CPU time is
 * that of `processes` (the service, and its worker when that runs apart), together and each on its own.
 */
async function pipelineThroughput(client, service, processes, jobs) {
  const userId = `bench-queue-${randomUUID()}`;
  const finished = async () => {
    const { rows } = await client.query(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM "generation_jobs" WHERE "userId" = $1`,
      [userId],
    );
    return rows[0];
  };
  const readCpu = () => processes.map(({ pid }) => threadCpuMsOf(pid));
  const cpuBefore = readCpu();
  const started = performance.now();
  await inParallel(jobs, ENQUEUE_CONCURRENCY, (index) => enqueueImage(service, userId, index));
  let counts;
  const done = await waitFor(async () => {
    counts = await finished();
    return counts.completed + counts.failed >= jobs;
  }, `${jobs} image jobs`);
  const cpuAfter = readCpu();
  const cpu = cpuPerJob(sumThreadCpuMs(cpuBefore), sumThreadCpuMs(cpuAfter), jobs);
  const cpuMsPerJobByProcess = Object.fromEntries(
    processes.map(({ name }, index) => [name, (cpuAfter[index].total - cpuBefore[index].total) / jobs]),
  );
  const {
    rows: [{ assets }],
  } = await client.query(`SELECT count(*)::int AS assets FROM "creative_assets" WHERE "userId" = $1`, [userId]);
  return {
    jobs,
    failed: counts.failed,
    assets,
    seconds: (done - started) / 1000,
    jobsPerSecond: (jobs * 1000) / (done - started),
    ...cpu,
    cpuMsPerJobByProcess,
  };
}

/** CPU time per job of the process doing the work between two threadCpuMsOf readings, in all and by thread. */
function cpuPerJob(before, after, jobs) {
  return { cpuMsPerJob: (after.total - before.total) / jobs, cpuMsPerJobByThread: threadCpuMsPer(before, after, jobs) };
}

/**
 * Jobs one at a time, so none waits behind another: end to end is from the job row's insert (the request)
 * to the asset row's insert (the completing statement), both stamped by PostgreSQL's clock.
 */
async function sequentialLatencies(client, service) {
  const userId = `bench-latency-${randomUUID()}`;
  for (let index = 0; index < SEQUENTIAL_JOBS; index++) {
    const jobId = await enqueueImage(service, userId, index);
    await waitFor(async () => {
      const { rows } = await client.query(`SELECT status FROM "generation_jobs" WHERE id = $1`, [jobId]);
      return rows[0].status === 'completed' || rows[0].status === 'failed';
    }, `job ${jobId}`);
  }
  const { rows } = await client.query(
    `SELECT extract(epoch FROM (a."createdAt" - j."createdAt")) * 1000 AS ms
     FROM "generation_jobs" j JOIN "creative_assets" a ON a."generationId" = j.id WHERE j."userId" = $1`,
    [userId],
  );
  return rows.map((row) => Number(row.ms));
}

const placeholderRequest = (index) => ({ prompt: jobPrompt(index), model: 'placeholder', n: 1, size: IMAGE_SIZE });

/** The placeholder provider's own time for the same request, called directly (no queue, no storage, no DB). */
async function providerLatencies() {
  const provider = new PlaceholderImageProvider(new PixelBudget(benchConfig().storage.imagePixelBudget));
  const durations = [];
  for (let index = 0; index < SEQUENTIAL_JOBS + WARM_UP_JOBS; index++) {
    const started = performance.now();
    await provider.generate(placeholderRequest(index), AbortSignal.timeout(60_000));
    if (index >= WARM_UP_JOBS) durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * The baseline: the same jobs (options from the service's jobOptions) added straight to bare Bull and
 * consumed in another process by a hand-written minimal worker doing the same work per job (render,
 * metadata, thumbnail, two file writes, one INSERT; bench/bull-minimal-worker.js). Started once; `run(count)`
 * times one block of jobs, `stop()` ends the worker and removes its queue and files.
 */
async function startMinimalWorker({ redisUrl, databaseUrl, queuePrefix, nodeArgs = [], env = {} }) {
  const prefix = `${queuePrefix}-bare`;
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'ce-bench-minimal-'));
  const worker = fork(path.join(__dirname, '..', 'bull-minimal-worker.js'), {
    execArgv: nodeArgs,
    env: {
      ...process.env,
      ...env,
      REDIS_URL: redisUrl,
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: prefix,
      QUEUE_NAME: IMAGE_GENERATION_QUEUE,
      WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      STORAGE_DIR: storageDir,
      USER_ID: `bench-minimal-${randomUUID()}`,
    },
  });
  const config = benchConfig({ REDIS_URL: redisUrl });
  const queue = new Bull(IMAGE_GENERATION_QUEUE, redisUrl, { prefix, settings: queueSettings(config) });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const stop = async () => {
    worker.kill('SIGTERM');
    await exited;
    await queue.obliterate({ force: true });
    await queue.close();
    await rm(storageDir, { recursive: true, force: true });
  };
  try {
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('exit', (code) => reject(new Error(`bull-minimal-worker exited (${code})`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const completedCount = () =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.send('count');
    });
  let next = 0;
  const run = async (count) => {
    const before = await completedCount();
    const cpuBefore = threadCpuMsOf(worker.pid);
    const started = performance.now();
    await inParallel(count, ENQUEUE_CONCURRENCY, () => {
      const id = randomUUID();
      const request = placeholderRequest(next++);
      return queue.add(JOB_NAMES.image_generation, { jobId: id, request }, jobOptions(config, id, 0));
    });
    const done = await waitFor(async () => (await completedCount()) - before >= count, `${count} minimal-worker jobs`);
    const seconds = (done - started) / 1000;
    return {
      jobs: count,
      seconds,
      jobsPerSecond: count / seconds,
      ...cpuPerJob(cpuBefore, threadCpuMsOf(worker.pid), count),
    };
  };
  return { pid: worker.pid, run, stop };
}

/**
 * One side's blocks as one measurement, as the routes' are (combineBlocks): the median of the blocks' throughputs
 * and of their CPU times per job, every block's throughput beside them, the split by thread of the block of median
 * throughput (the lower of the two middle ones for an even count), and the jobs, failures and stored assets of all.
 */
function combineQueueBlocks(blocks) {
  const byThroughput = [...blocks].sort((a, b) => a.jobsPerSecond - b.jobsPerSecond);
  const middle = byThroughput[Math.floor((byThroughput.length - 1) / 2)];
  const total = (field) => blocks.reduce((sum, block) => sum + (block[field] ?? 0), 0);
  return {
    jobs: total('jobs'),
    failed: total('failed'),
    assets: total('assets'),
    seconds: total('seconds'),
    jobsPerSecond: median(blocks.map((block) => block.jobsPerSecond)),
    blocksJobsPerSecond: blocks.map((block) => block.jobsPerSecond),
    cpuMsPerJob: median(blocks.map((block) => block.cpuMsPerJob)),
    ...(blocks[0].cpuMsPerJobByProcess && {
      cpuMsPerJobByProcess: Object.fromEntries(
        Object.keys(blocks[0].cpuMsPerJobByProcess).map((name) => [
          name,
          median(blocks.map((block) => block.cpuMsPerJobByProcess[name])),
        ]),
      ),
    }),
    cpuMsPerJobByThread: middle.cpuMsPerJobByThread,
  };
}

/** The largest placeholder images: n=4 at 2048×2048, 16 MB of pixels each. */
const LARGE_JOB = { provider: 'placeholder', size: '2048x2048', n: 4 };

/**
 * A burst of large jobs submitted at once, with the service's RSS sampled while they run: what memory the
 * worker needs for big images (sharp's cache and threads, the decoded pixels, the encoded bytes).
 */
async function benchLargeBurst({ service, databaseUrl, jobs, sampleRss, log }) {
  return withClient(databaseUrl, async (client) => {
    const userId = `bench-large-${randomUUID()}`;
    let peakRssMb = 0;
    const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, sampleRss())), 50);
    const started = performance.now();
    try {
      await Promise.all(
        Array.from({ length: jobs }, async (_, index) => {
          const response = await fetch(`${service.baseUrl}/api/creative/image/generate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-user-id': userId },
            body: JSON.stringify({ prompt: jobPrompt(index), ...LARGE_JOB }),
          });
          if (response.status !== 202)
            throw new Error(`POST /image/generate answered ${response.status}: ${await response.text()}`);
        }),
      );
      await waitFor(async () => {
        const { rows } = await client.query(
          `SELECT count(*)::int AS done FROM "generation_jobs" WHERE "userId" = $1 AND status IN ('completed', 'failed')`,
          [userId],
        );
        return rows[0].done >= jobs;
      }, `${jobs} large jobs`);
    } finally {
      clearInterval(sampler);
    }
    const {
      rows: [{ assets }],
    } = await client.query(`SELECT count(*)::int AS assets FROM "creative_assets" WHERE "userId" = $1`, [userId]);
    const seconds = (performance.now() - started) / 1000;
    log(
      `  ${jobs} jobs of ${LARGE_JOB.n} × ${LARGE_JOB.size}: ${assets} assets in ${seconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB`,
    );
    return { jobs, imagesPerJob: LARGE_JOB.n, size: LARGE_JOB.size, assets, seconds, peakRssMb };
  });
}

const summary = (values) => ({ p50: percentile(values, 0.5), p99: percentile(values, 0.99) });

/**
 * The queue's throughput, pipeline against minimal worker, in `rounds` blocks of jobs/rounds jobs each, the two
 * taken in turns and the order reversed every other round (inTurns, as the routes are), so a slow spell of the
 * machine falls on both alike; then the latency of sequential jobs.
 */
async function benchQueue({
  service,
  worker,
  databaseUrl,
  redisUrl,
  queuePrefix,
  jobs,
  rounds,
  minimalWorkerArgs,
  log,
}) {
  const processes = [service, ...(worker ? [worker] : [])];
  return withClient(databaseUrl, async (client) => {
    const minimal = await startMinimalWorker({ redisUrl, databaseUrl, queuePrefix, ...minimalWorkerArgs });
    // When each side's blocks ran (epoch ms), to pick the jobs of the throughput blocks from a job timeline.
    const windows = { pipeline: [], minimal: [] };
    let blocks;
    try {
      await pipelineThroughput(client, service, processes, WARM_UP_JOBS);
      await minimal.run(WARM_UP_JOBS);
      const jobsPerBlock = Math.ceil(jobs / rounds);
      blocks = await inTurns(['pipeline', 'minimal'], rounds, async (side) => {
        const from = Date.now();
        const block = await (side === 'pipeline'
          ? pipelineThroughput(client, service, processes, jobsPerBlock)
          : minimal.run(jobsPerBlock));
        windows[side].push({ from, to: Date.now() });
        return block;
      });
    } finally {
      await minimal.stop();
    }
    const pipeline = combineQueueBlocks(blocks[0]);
    const minimalWorker = { ...combineQueueBlocks(blocks[1]), concurrency: WORKER_CONCURRENCY };
    const perBlock = (side) => side.blocksJobsPerSecond.map((value) => value.toFixed(1)).join(', ');
    log(`  pipeline: ${pipeline.jobsPerSecond.toFixed(1)} jobs/s, median of ${rounds} blocks (${perBlock(pipeline)})`);
    log(`  minimal Bull worker: ${minimalWorker.jobsPerSecond.toFixed(1)} jobs/s (${perBlock(minimalWorker)})`);
    const endToEnd = await sequentialLatencies(client, service);
    const provider = await providerLatencies();
    const providerP50 = percentile(provider, 0.5);
    const latency = {
      jobs: endToEnd.length,
      endToEnd: summary(endToEnd),
      provider: summary(provider),
      added: summary(endToEnd.map((ms) => ms - providerP50)),
    };
    log(`  latency: end to end p50 ${latency.endToEnd.p50.toFixed(1)} ms, provider p50 ${providerP50.toFixed(1)} ms`);
    const serviceQueue = new Bull(IMAGE_GENERATION_QUEUE, redisUrl, { prefix: queuePrefix });
    await serviceQueue.obliterate({ force: true });
    await serviceQueue.close();
    return {
      pipeline,
      minimalWorker,
      latency,
      rounds,
      windows,
      minimalWorkerPid: minimal.pid,
      workerProcess: !!worker,
    };
  });
}

module.exports = { benchQueue, benchLargeBurst };
