'use strict';

/**
 * Preloaded (`node --require`) into the service and the minimal worker by `npm run bench -- --job-timeline`:
 * records, for every job of the image queue this process runs, when each awaited operation of the job started
 * and ended, in milliseconds from the job's start (Bull handing it over) — PostgreSQL statements, sharp's
 * calls, file writes, renames and directories, Bull's scripts — and the end of the job (Bull's completing script
 * answered). Written to $BENCH_JOB_TIMELINE_DIR/<pid>.json when the process exits; bench/lib/job-timeline.js
 * sums it up. Tracing costs CPU of its own: take throughput figures from a run without it.
 */
const { AsyncLocalStorage } = require('node:async_hooks');
const { writeFileSync } = require('node:fs');
const fsPromises = require('node:fs/promises');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const projectModule = (name) => require(require.resolve(name, { paths: [ROOT] }));

const currentJob = new AsyncLocalStorage();
const jobs = [];

/** Runs `operation` and, when it settles inside a job, records it under `label`, its synchronous part included. */
function timed(label, operation) {
  const job = currentJob.getStore();
  const calledAt = performance.now();
  const result = operation();
  if (!job || typeof result?.then !== 'function') return result;
  const started = calledAt - job.origin;
  const record = () => job.operations.push([label, started, performance.now() - job.origin]);
  result.then(record, record);
  return result;
}

function wrapMethod(owner, name, labelOf) {
  const original = owner[name];
  owner[name] = function (...args) {
    return timed(labelOf(args), () => original.apply(this, args));
  };
}

const statementLabel = (args) => {
  const text = typeof args[0] === 'string' ? args[0] : (args[0]?.text ?? '');
  return `pg: ${text.replace(/\s+/g, ' ').trim().slice(0, 48)}`;
};

wrapMethod(projectModule('pg').Pool.prototype, 'query', statementLabel);
const sharp = projectModule('sharp');
wrapMethod(sharp.prototype, 'toBuffer', () => 'sharp: toBuffer');
wrapMethod(sharp.prototype, 'metadata', () => 'sharp: metadata');
for (const name of ['writeFile', 'rename', 'mkdir']) wrapMethod(fsPromises, name, () => `fs: ${name}`);

// Bull's Lua scripts are ioredis commands it defines by name: each call is recorded under that name.
const Redis = projectModule('ioredis');
const defineCommand = Redis.prototype.defineCommand;
Redis.prototype.defineCommand = function (name, definition) {
  defineCommand.call(this, name, definition);
  wrapMethod(this, name, () => `redis: ${name}`);
};

const Queue = projectModule('bull');
const processJob = Queue.prototype.processJob;
Queue.prototype.processJob = function (job, notFetch) {
  if (!job) return processJob.call(this, job, notFetch);
  const record = { queue: this.name, startedAt: Date.now(), origin: performance.now(), operations: [] };
  jobs.push(record);
  const moveToCompleted = job.moveToCompleted;
  job.moveToCompleted = function (...args) {
    return moveToCompleted.apply(this, args).finally(() => (record.endMs = performance.now() - record.origin));
  };
  return currentJob.run(record, () => processJob.call(this, job, notFetch));
};

process.on('exit', () => {
  const file = path.join(process.env.BENCH_JOB_TIMELINE_DIR, `${process.pid}.json`);
  writeFileSync(
    file,
    JSON.stringify(jobs.map(({ queue, startedAt, endMs, operations }) => ({ queue, startedAt, endMs, operations }))),
  );
});
