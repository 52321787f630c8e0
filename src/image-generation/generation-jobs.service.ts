import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, MessageEvent } from '@nestjs/common';
import type { Queue } from 'bull';
import { Observable } from 'rxjs';
import { ConflictError, NotFoundError } from '../common/errors';
import { cursorField, decodeCursor, Page, toPage } from '../common/pagination';
import { EngineConfig } from '../config/engine-config';
import { GenerationJob, JobStatus, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { IMAGE_GENERATION_QUEUE, ImageGenerationJobData } from '../queue/queue.constants';
import { withTimeout } from '../queue/with-timeout';
import {
  CancelJobResponseDto,
  ImageJobStatusResponseDto,
  JobResponseDto,
  toImageJobStatusResponse,
  toJobResponse,
} from './dto/job-response.dto';
import type { ListJobsQueryDto } from './dto/list-jobs-query.dto';

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (status: JobStatus) => TERMINAL_JOB_STATUSES.includes(status);

/** Keyset condition for the rows after a cursor in (createdAt desc, id desc) order. */
function olderThanCursor(cursor: string): Prisma.GenerationJobWhereInput[] {
  const [after, id] = decodeCursor(cursor, [cursorField.date, cursorField.uuid]);
  return [{ createdAt: { lt: after } }, { createdAt: after, id: { lt: id } }];
}

/** How many recent completed jobs of a model the estimate averages over. */
const ESTIMATE_SAMPLE_SIZE = 20;

export type ListJobsInput = Partial<Omit<ListJobsQueryDto, 'limit'>> & { limit?: number };

/**
 * Generation jobs of any type as their owner sees them: status, listing, cancellation and the progress
 * stream. Someone else's job is always a 404.
 */
@Injectable()
export class GenerationJobsService {
  private readonly logger = new Logger(GenerationJobsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: EngineConfig,
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly queue: Queue<ImageGenerationJobData>,
  ) {}

  /**
   * Queued jobs created before `createdBefore`, oldest first: the candidates a worker re-enqueues in case
   * their Bull job never reached Redis.
   */
  findQueuedJobs(createdBefore: Date, limit: number): Promise<Pick<GenerationJob, 'id' | 'priority'>[]> {
    return this.prisma.generationJob.findMany({
      where: { status: 'queued', createdAt: { lt: createdBefore } },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, priority: true },
    });
  }

  async getJobStatus(userId: string, jobId: string): Promise<ImageJobStatusResponseDto> {
    const row = await this.prisma.generationJob.findFirst({
      where: { id: jobId, userId },
      include: { assets: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    if (!row) throw new NotFoundError('Job', jobId);
    return toImageJobStatusResponse(row);
  }

  async listJobs(userId: string, query: ListJobsInput = {}): Promise<Page<JobResponseDto>> {
    const limit = query.limit ?? 20;
    const where: Prisma.GenerationJobWhereInput = {
      userId,
      ...(query.status?.length && { status: { in: query.status } }),
      ...(query.type?.length && { type: { in: query.type } }),
    };
    if (query.cursor) where.OR = olderThanCursor(query.cursor);
    const rows = await this.prisma.generationJob.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], toJobResponse);
  }

  /**
   * Queued or processing → cancelled. A queued job leaves the queue; a running one stops at its next step
   * and stores nothing. A finished job answers 409.
   */
  async cancelJob(userId: string, jobId: string): Promise<CancelJobResponseDto> {
    // One conditional UPDATE returning the cancelled row; only when it matches nothing is the job read to say why.
    const [cancelled] = await this.prisma.generationJob.updateManyAndReturn({
      where: { id: jobId, userId, status: { in: ['queued', 'processing'] } },
      data: { status: 'cancelled', completedAt: new Date(), errorMessage: 'Cancelled by the user' },
    });
    if (!cancelled) {
      const current = await this.findOwnedJob(userId, jobId);
      throw new ConflictError(`Job ${jobId} is already ${current.status} and cannot be cancelled`);
    }
    await this.removeFromQueue(jobId);
    return { success: true, job: toJobResponse(cancelled) };
  }

  /**
   * Server-sent events for one job: a `progress` event whenever status, step or progress changes, then one
   * event named after the terminal status (completed, failed, cancelled), then the stream ends.
   * The DB row is polled, so events come from whichever worker runs the job.
   */
  async jobEvents(userId: string, jobId: string): Promise<Observable<MessageEvent>> {
    await this.findOwnedJob(userId, jobId);
    return new Observable<MessageEvent>((subscriber) => {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let lastState = '';
      let sequence = 0;
      const poll = async (): Promise<void> => {
        if (stopped) return;
        const status = await this.getJobStatus(userId, jobId);
        const state = `${status.status}:${status.currentStep}:${status.progress}`;
        const terminal = isTerminal(status.status);
        if (state !== lastState) {
          lastState = state;
          sequence += 1;
          subscriber.next({ id: String(sequence), type: terminal ? status.status : 'progress', data: status });
        }
        if (terminal) {
          subscriber.complete();
          return;
        }
        timer = setTimeout(() => void poll().catch((error: unknown) => subscriber.error(error)), this.config.imageGeneration.eventsPollMs);
      };
      poll().catch((error: unknown) => subscriber.error(error));
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    });
  }

  /** Mean actual time of the model's recent completed jobs; null when it has none yet. */
  async estimateTime(model: string): Promise<number | null> {
    const recent = await this.prisma.generationJob.findMany({
      where: { model, status: 'completed', actualTime: { not: null } },
      orderBy: { completedAt: 'desc' },
      take: ESTIMATE_SAMPLE_SIZE,
      select: { actualTime: true },
    });
    if (recent.length === 0) return null;
    return Math.round(recent.reduce((sum, job) => sum + (job.actualTime ?? 0), 0) / recent.length);
  }

  async findOwnedJob(userId: string, jobId: string): Promise<GenerationJob> {
    const job = await this.prisma.generationJob.findFirst({ where: { id: jobId, userId } });
    if (!job) throw new NotFoundError('Job', jobId);
    return job;
  }

  /** Best effort: a job already taken by a worker cannot be removed, and stops by itself at its next step. */
  private async removeFromQueue(jobId: string): Promise<void> {
    const removeUnlessActive = async () => {
      const queued = await this.queue.getJob(jobId);
      if (queued && !(await queued.isActive())) await queued.remove();
    };
    try {
      // Bounded: with Redis unreachable the cancellation (already recorded) must still answer; the worker skips the job.
      await withTimeout(removeUnlessActive(), this.config.queue.commandTimeoutMs, 'Redis');
    } catch (error) {
      this.logger.warn(`Cancelled job ${jobId} could not be removed from the queue: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
