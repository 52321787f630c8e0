'use strict';

/**
 * The queue baseline's consumer: bare Bull on the service's Redis with the service's queue settings and
 * worker concurrency, processing jobs that do nothing. A separate process, as the service's worker is.
 *
 * Answers any IPC message with the number of jobs completed so far. Env: REDIS_URL, QUEUE_PREFIX, QUEUE_NAME, WORKER_CONCURRENCY.
 */
const Bull = require('bull');
const { loadConfig } = require('../dist/config/engine-config');
const { JOB_NAMES, imageQueueSettings } = require('../dist/queue/queue.constants');

const config = loadConfig({ AUTH_MODE: 'header', REDIS_URL: process.env.REDIS_URL });
const queue = new Bull(process.env.QUEUE_NAME, process.env.REDIS_URL, {
  prefix: process.env.QUEUE_PREFIX,
  settings: imageQueueSettings(config),
});

// Completions are counted here: Redis keeps only the last QUEUE_KEEP_COMPLETED finished jobs.
let completed = 0;
queue.on('completed', () => completed++);
queue.process(JOB_NAMES.image_generation, Number(process.env.WORKER_CONCURRENCY), async () => undefined);
queue.isReady().then(() => process.send('ready'));
process.on('message', () => process.send(completed));
process.on('SIGTERM', () => queue.close().then(() => process.exit(0)));
