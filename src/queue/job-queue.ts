import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { EngineConfig } from '../config/engine-config';
import { IMAGE_GENERATION_QUEUE, JOB_NAMES, JobKind, JobPayloads, jobOptions } from './queue.constants';
import { withTimeout } from './with-timeout';

/** The one way jobs enter and leave the engine's queue; the row id doubles as the Bull job id. */
@Injectable()
export class JobQueue {
  constructor(
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue<JobPayloads[JobKind]>,
    private readonly config: EngineConfig,
  ) {}

  /** Adds a job (a no-op when Bull still holds one with this id). */
  async add<K extends JobKind>(kind: K, payload: JobPayloads[K], priority: number): Promise<void> {
    await this.queue.add(JOB_NAMES[kind], payload, jobOptions(this.config, payload.jobId, priority));
  }

  /**
   * add within QUEUE_COMMAND_TIMEOUT_MS: while Redis is unreachable its client holds commands until it
   * reconnects, and an API call must answer. A late add still lands; callers make that harmless.
   */
  async addWithinTimeout<K extends JobKind>(kind: K, payload: JobPayloads[K], priority: number): Promise<void> {
    await withTimeout(this.add(kind, payload, priority), this.config.queue.commandTimeoutMs, 'Redis');
  }

  /**
   * Removes a job that no worker took yet, within QUEUE_COMMAND_TIMEOUT_MS. A job already taken cannot be
   * removed and stops by itself at its next step.
   */
  async removeUnlessActive(jobId: string): Promise<void> {
    const remove = async () => {
      const queued = await this.queue.getJob(jobId);
      if (queued && !(await queued.isActive())) await queued.remove();
    };
    await withTimeout(remove(), this.config.queue.commandTimeoutMs, 'Redis');
  }
}
