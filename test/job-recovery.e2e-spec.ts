import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { IMAGE_GENERATION_QUEUE } from '../src/queue/queue.constants';
import { createTestApp } from './support/app';
import { newUserId } from './support/factories';
import { startImageJob, waitForJobStatus } from './support/image-jobs';

describe('queue recovery: a queued job whose Bull job was lost is re-enqueued by a worker', () => {
  // Own key prefix: no other spec's worker may pick these jobs up.
  const queuePrefix = `${process.env.QUEUE_PREFIX}-recovery`;

  it('completes a job whose Bull entry vanished, exactly once', async () => {
    const userId = newUserId();
    const api = await createTestApp({
      QUEUE_PREFIX: queuePrefix,
      WORKER_ENABLED: 'false',
      OPENAI_API_KEY: '',
      STABILITY_API_KEY: '',
    });
    let jobId: string;
    try {
      jobId = await startImageJob(api.http, userId, {
        prompt: 'a lost lighthouse',
        size: '256x256',
        provider: 'placeholder',
      });
      // Lose the queue entry, as a crash between insert and enqueue or a Redis restart without persistence would.
      const bullJob = await api.app.get<Queue>(getQueueToken(IMAGE_GENERATION_QUEUE)).getJob(jobId);
      await bullJob!.remove();
    } finally {
      await api.close();
    }

    const worker = await createTestApp({
      QUEUE_PREFIX: queuePrefix,
      QUEUE_RECOVERY_INTERVAL_MS: '200',
      OPENAI_API_KEY: '',
      STABILITY_API_KEY: '',
    });
    try {
      const done = await waitForJobStatus(worker.http, userId, jobId, ['completed', 'failed'], 15_000);
      expect(done.status).toBe('completed');
      expect(done.assets).toHaveLength(1);
      // Further sweeps find nothing queued, and re-offering a finished job changes nothing.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await worker.prisma.creativeAsset.count({ where: { generationId: jobId } })).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
