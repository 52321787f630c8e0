import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { GenerationJobProcessor } from '../src/jobs/generation-job.processor';
import { JobPreviews } from '../src/jobs/job-previews';
import { IMAGE_GENERATION_QUEUE } from '../src/queue/queue.constants';
import { StorageService } from '../src/storage/storage.service';
import { createTestApp, TestApp } from './support/app';
import { jobRow, newUserId, pngBytes } from './support/factories';
import { waitFor } from './support/image-jobs';

const PREVIEW_TTL_SECONDS = 60;

describe('previews of jobs that ended without their handler clearing them', () => {
  let t: TestApp;
  let previews: JobPreviews;

  beforeAll(async () => {
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-preview-cleanup`,
      WORKER_ENABLED: 'true',
      // The recovery pass runs when a test says so.
      QUEUE_RECOVERY_INTERVAL_MS: '0',
      JOB_PREVIEW_TTL_SECONDS: String(PREVIEW_TTL_SECONDS),
    });
    previews = t.app.get(JobPreviews);
  });
  afterAll(() => t.close());

  /** A job row of `status` with `count` stored previews; returns its id and the previews' storage keys. */
  async function jobWithPreviews(status: string, count = 2): Promise<{ jobId: string; keys: string[] }> {
    const row = jobRow(newUserId('previews'), { status });
    const jobId = row.id;
    await t.prisma.generationJob.createMany({ data: [row] as never });
    for (let index = 0; index < count; index += 1) await previews.store(jobId, index, await pngBytes(32, 24));
    const keys = (await t.prisma.generationJobPreview.findMany({ where: { jobId } })).map((p) => p.storageKey);
    return { jobId, keys };
  }

  const backdate = (jobId: string, seconds: number) =>
    t.prisma.generationJobPreview.updateMany({
      where: { jobId },
      data: { createdAt: new Date(Date.now() - seconds * 1000) },
    });

  const fileExists = (key: string) =>
    t.app
      .get(StorageService)
      .read(key)
      .then(
        () => true,
        () => false,
      );

  async function expectPreviews(jobId: string, keys: string[], present: boolean): Promise<void> {
    expect(await t.prisma.generationJobPreview.count({ where: { jobId } })).toBe(present ? keys.length : 0);
    for (const key of keys) expect(await fileExists(key)).toBe(present);
  }

  it('deletes the previews, rows and files, of a job Bull gives up after it stalled too often', async () => {
    const { jobId, keys } = await jobWithPreviews('processing');
    await expectPreviews(jobId, keys, true);
    // What Bull reports when another worker finds the job stalled past QUEUE_MAX_STALLED_COUNT.
    const queue = t.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE));
    queue.emit('failed', { data: { jobId } }, new Error('job stalled more than allowable limit'));
    // The rows go first, then the files: wait for both.
    await waitFor(async () => {
      if ((await t.prisma.generationJobPreview.count({ where: { jobId } })) > 0) return undefined;
      const files = await Promise.all(keys.map(fileExists));
      return files.some(Boolean) ? undefined : true;
    }, 'the previews of the abandoned job to go');
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({
      status: 'failed',
      errorMessage: expect.stringMatching(/interrupted too many times/),
    });
    await expectPreviews(jobId, keys, false);
  });

  it('sweeps the previews of ended jobs once their links have expired, and keeps every other', async () => {
    const ended = await Promise.all(['completed', 'failed', 'cancelled'].map((status) => jobWithPreviews(status)));
    for (const { jobId } of ended) await backdate(jobId, PREVIEW_TTL_SECONDS + 5);
    const endedJustNow = await jobWithPreviews('cancelled', 1);
    const running = await jobWithPreviews('processing', 1);
    const waitingForRetry = await jobWithPreviews('queued', 1);
    for (const { jobId } of [running, waitingForRetry]) await backdate(jobId, PREVIEW_TTL_SECONDS * 10);

    await t.app.get(GenerationJobProcessor).recover();

    for (const { jobId, keys } of ended) await expectPreviews(jobId, keys, false);
    for (const { jobId, keys } of [endedJustNow, running, waitingForRetry]) await expectPreviews(jobId, keys, true);
  });
});
