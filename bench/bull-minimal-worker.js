'use strict';

/**
 * The queue baseline's consumer: a hand-written minimal worker on bare Bull doing the work of an image job
 * and nothing else — the same placeholder render, the same image metadata read and 320 px WebP thumbnail
 * (the service's own functions from dist/, with sharp configured as the service configures it), the two file
 * writes, and one INSERT of the asset row — on the service's Redis with the service's queue settings and worker
 * concurrency. No job row, no claim, no steps, no intents or checksums, no retries bookkeeping: what separates
 * the pipeline from this is the pipeline.
 * A separate process, as the service's worker is.
 *
 * Answers any IPC message with the number of jobs completed so far.
 * Env: REDIS_URL, DATABASE_URL, QUEUE_PREFIX, QUEUE_NAME, WORKER_CONCURRENCY, STORAGE_DIR, USER_ID.
 */
const { randomUUID } = require('node:crypto');
const { mkdir, writeFile } = require('node:fs/promises');
const path = require('node:path');
const Bull = require('bull');
const { Pool } = require('pg');
const { PlaceholderImageProvider } = require('../dist/providers/image/placeholder-image.provider');
const { JOB_NAMES, queueSettings } = require('../dist/queue/queue.constants');
const { configureImageProcessing, makeThumbnail, readImageMetadata } = require('../dist/storage/image-processing');
const { PixelBudget } = require('../dist/storage/pixel-budget');
const { benchConfig } = require('./lib/engine-env');

const concurrency = Number(process.env.WORKER_CONCURRENCY);
const config = benchConfig({ REDIS_URL: process.env.REDIS_URL });
const queue = new Bull(process.env.QUEUE_NAME, process.env.REDIS_URL, {
  prefix: process.env.QUEUE_PREFIX,
  settings: queueSettings(config),
});
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: concurrency });
const provider = new PlaceholderImageProvider(new PixelBudget(config.storage.imagePixelBudget));
const storageDir = process.env.STORAGE_DIR;
// sharp set up as the service's StorageModule sets it (IMAGE_PROCESSING_THREADS, no operation cache): the same work
// with the same library settings. With sharp's defaults this worker was 12–17% slower on 64×64 jobs.
configureImageProcessing(config.storage.imageThreads);

async function renderAndStore(job) {
  const { request } = job.data;
  const [image] = (await provider.generate(request, AbortSignal.timeout(60_000))).images;
  const bytes = image.bytes;
  const [metadata, thumbnail] = [await readImageMetadata(bytes), await makeThumbnail(bytes)];
  const id = randomUUID();
  const dir = path.join(storageDir, id.slice(0, 2));
  await mkdir(dir, { recursive: true });
  const storageKey = `${id.slice(0, 2)}/${id}.png`;
  const thumbnailKey = `${id.slice(0, 2)}/${id}-thumb.webp`;
  await writeFile(path.join(storageDir, storageKey), bytes);
  await writeFile(path.join(storageDir, thumbnailKey), thumbnail);
  await pool.query(
    `INSERT INTO "creative_assets" ("id", "userId", "type", "sourceModule", "title", "prompt", "storageKey",
       "thumbnailKey", "url", "mimeType", "fileSize", "width", "height", "provider", "model", "updatedAt")
     VALUES ($1, $2, 'image', 'image_generation', $3, $3, $4, $5, $6, $7, $8, $9, $10, 'placeholder', 'placeholder', now())`,
    [
      id,
      process.env.USER_ID,
      request.prompt,
      storageKey,
      thumbnailKey,
      `/api/creative/asset/${id}/file`,
      metadata.mimeType,
      bytes.length,
      metadata.width,
      metadata.height,
    ],
  );
}

// Completions are counted here: Redis keeps only the last QUEUE_KEEP_COMPLETED finished jobs.
let completed = 0;
queue.on('completed', () => completed++);
queue.on('failed', (_job, error) => console.error(`bull-minimal-worker: job failed: ${error.message}`));
queue.process(JOB_NAMES.image_generation, concurrency, renderAndStore);
queue.isReady().then(() => process.send('ready'));
process.on('message', () => process.send(completed));
process.on('SIGTERM', () => Promise.all([queue.close(), pool.end()]).then(() => process.exit(0)));
