import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DatabaseError } from 'pg';
import { cursorField, decodeCursor, Page, toPage } from '../common/pagination';
import { CreativeAsset, GenerationJob, JobStatus, JobType, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { insertRowsSql, rowTable } from '../prisma/row-insert';
import type { GenerationJobLookup } from '../assets/generation-job-lookup';

/** A transaction a caller runs work of its own in (the active-job cap). */
export type JobsTransaction = Prisma.TransactionClient;

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
export const isTerminal = (status: JobStatus) => TERMINAL_JOB_STATUSES.includes(status);
const ACTIVE_JOB_STATUSES: JobStatus[] = ['queued', 'processing'];

const JOBS_TABLE = rowTable('generation_jobs', Prisma.GenerationJobScalarFieldEnum);
const UNIQUE_VIOLATION = '23505';

/** How many recent completed jobs of a model the time estimate averages over. */
const ESTIMATE_SAMPLE_SIZE = 20;

/** Where a running job is: its step number and the progress (0-100) reached when that step starts. */
export interface JobStep {
  step: number;
  progress: number;
}

/** A job about to be recorded as queued. */
export interface NewJob {
  userId: string;
  type: JobType;
  priority: number;
  prompt: string;
  negativePrompt?: string;
  provider: string;
  model: string;
  parameters: object;
  templateId?: string;
  parentAssetId?: string;
  idempotencyKey?: string;
  idempotencyFingerprint?: string;
}

/** What a completed job records about its result. */
export interface JobCompletion {
  step: JobStep;
  resultUrl: string | null;
  thumbnailUrl: string | null;
  cost: number | null;
}

/** What announcing an asset a job created needs (its assetCreated event). */
export type AnnouncedAsset = Pick<CreativeAsset, 'id' | 'userId' | 'type' | 'sourceModule' | 'generationId'>;

/**
 * The job's row inside the statement that completes it, for the writes that complete with it: `happened` holds
 * only when the row moved to completed, and `templateId` is the template it was generated from (or null).
 */
export interface CompletingJob {
  happened: Prisma.Sql;
  templateId: Prisma.Sql;
}

/**
 * What a job's completion stores: data-modifying statements that run in the statement completing the job,
 * each written to change nothing unless `CompletingJob.happened` holds, and the assets they create.
 */
export interface CompletionWrites {
  statements: readonly Prisma.Sql[];
  assets: readonly AnnouncedAsset[];
}

const COMPLETING_JOB: CompletingJob = {
  happened: Prisma.sql`EXISTS (SELECT 1 FROM "completed_job")`,
  templateId: Prisma.sql`(SELECT "templateId" FROM "completed_job")`,
};

/** A job as its completing statement left it, with the assets it created: what announcing it needs. */
export interface CompletedJob extends Pick<
  GenerationJob,
  'id' | 'userId' | 'type' | 'provider' | 'model' | 'cost' | 'actualTime'
> {
  assets: readonly AnnouncedAsset[];
}

export interface JobListFilter {
  status?: JobStatus[];
  type?: JobType[];
  cursor?: string;
  limit: number;
}

export type JobWithAssets = Prisma.GenerationJobGetPayload<{ include: { assets: true } }>;
export type ActiveJob = Pick<GenerationJob, 'createdAt' | 'startedAt' | 'estimatedTime'>;
export type LostJob = Pick<GenerationJob, 'id' | 'type' | 'priority'>;

/**
 * Every read and write of generation_jobs (docs/ARCHITECTURE.md §4). A job's status changes only through the
 * transitions below, each one conditional statement, so races (cancel vs. complete, two attempts of one
 * job) resolve in the database: the transition that matches nothing reports it and changes nothing.
 *
 *   create → queued;  claim: queued | processing → processing;  advance: processing → processing (next step)
 *   completeWithAssets: processing → completed;  returnToQueue: processing → queued;  fail: processing → failed
 *   abandon: queued | processing → failed;  cancel: queued | processing → cancelled;  removeUnqueued: deletes
 *
 * Work that runs at the provider (a video) is followed on a processing job, by the attempt that claimed it
 * (`attempts` numbers attempts): recordProviderRequest before the create call, withdrawProviderRequest when
 * the provider refused it, recordProviderJobId as soon as it answered, reportProgress while polling.
 */
@Injectable()
export class GenerationJobsRepository implements GenerationJobLookup {
  constructor(private readonly prisma: PrismaService) {}

  // ── transitions ──

  /**
   * Records a queued job, running `guard` first in the same transaction (the active-job cap); without one,
   * the job is a single INSERT. When a concurrent request already recorded a job under the same idempotency
   * key, returns that one instead (`created: false`): the unique index on (userId, idempotencyKey) decides the race.
   */
  async create(
    job: NewJob,
    guard?: (tx: JobsTransaction) => Promise<void>,
  ): Promise<{ job: GenerationJob; created: boolean }> {
    const insert = insertRowsSql(JOBS_TABLE, [{ ...job, id: randomUUID(), status: 'queued' }], {
      computed: { estimatedTime: estimatedTimeSql(job.model) },
      returning: Prisma.sql`*`,
    });
    try {
      const [created] = guard
        ? await this.prisma.$transaction(async (tx) => {
            await guard(tx);
            return tx.$queryRaw<GenerationJob[]>(insert);
          })
        : await this.prisma.prepared.query<GenerationJob[]>(insert);
      return { job: created, created: true };
    } catch (error) {
      const winner =
        job.idempotencyKey !== undefined &&
        isUniqueViolation(error) &&
        (await this.findByIdempotencyKey(job.userId, job.idempotencyKey));
      if (winner) return { job: winner, created: false };
      throw error;
    }
  }

  /**
   * queued/processing → processing (a stalled job comes back as processing), attempts + 1, at `first`
   * step; returns the claimed row, or null for a missing, completed or cancelled job. startedAt keeps the
   * first attempt's time. A failed job is claimed too, its error cleared: the queue hands a worker a job
   * whose row failed only when an operator retried it (the queue dashboard), since every path that fails a
   * row leaves its queue entry failed for good.
   */
  async claim(jobId: string, first: JobStep, totalSteps: number): Promise<GenerationJob | null> {
    const now = new Date();
    const [job] = await this.prisma.prepared.query<GenerationJob[]>`
      UPDATE "generation_jobs"
      SET "status" = 'processing', "startedAt" = COALESCE("startedAt", ${now}::timestamptz), "attempts" = "attempts" + 1,
          "progress" = ${first.progress}, "currentStep" = ${first.step}, "totalSteps" = ${totalSteps},
          "errorMessage" = CASE WHEN "status" = 'failed' THEN NULL ELSE "errorMessage" END, "completedAt" = NULL,
          "nextAttemptAt" = NULL, "updatedAt" = ${now}::timestamptz
      WHERE id = ${jobId}::uuid AND "status" IN ('queued', 'processing', 'failed')
      RETURNING *`;
    return job ?? null;
  }

  /** Moves a processing job to `step`; false when it is no longer processing (cancelled). */
  async advance(jobId: string, step: JobStep): Promise<boolean> {
    // Raw, as claim and markCompleted: the client's planning of an updateMany costs more CPU than the statement.
    return (await this.prisma.prepared.execute(this.advanceSql(jobId, step))) > 0;
  }

  /**
   * The statement of `advance`, returning the job's id when it moved: for a part of another statement whose
   * work should happen only while the job is processing (the intents of its files, StoredFilesService.storeAllIf).
   */
  advanceSql(jobId: string, step: JobStep): Prisma.Sql {
    return Prisma.sql`
      UPDATE "generation_jobs" SET "currentStep" = ${step.step}, "progress" = ${step.progress}, "updatedAt" = ${new Date()}::timestamptz
      WHERE id = ${jobId}::uuid AND "status" = 'processing'
      RETURNING "id"`;
  }

  /**
   * processing → completed together with `writes(job)`, in one statement (its data-modifying parts commit
   * together or not at all); null, and nothing written, when the job is no longer processing or already has
   * assets. The UPDATE's row lock makes a concurrent attempt (a stalled worker that woke up) wait, then match
   * nothing. One statement rather than a transaction of several: the job pipeline's last step costs one round
   * trip instead of five.
   */
  async completeWithAssets(
    job: Pick<GenerationJob, 'id' | 'startedAt'>,
    completion: JobCompletion,
    writes: (job: CompletingJob) => CompletionWrites,
  ): Promise<CompletedJob | null> {
    const { statements, assets } = writes(COMPLETING_JOB);
    const alongside = statements.map(
      (statement, index) => Prisma.sql`, ${Prisma.raw(`"completion_write_${index}"`)} AS (${statement})`,
    );
    const [completed] = await this.prisma.prepared.query<Omit<CompletedJob, 'assets'>[]>`
      WITH "completed_job" AS (${this.markCompleted(job, completion)})${alongside.length > 0 ? Prisma.join(alongside, '') : Prisma.empty}
      SELECT "id", "userId", "type", "provider", "model", "cost", "actualTime" FROM "completed_job"`;
    return completed ? { ...completed, assets } : null;
  }

  /**
   * Records that attempt `attempt` is about to ask the provider to create the job's work. False (nothing
   * changed) when the job is no longer this attempt's or already has its provider id. The caller decides
   * beforehand what an earlier attempt's unanswered request (providerRequestedAt set, no id) means.
   */
  async recordProviderRequest(jobId: string, attempt: number): Promise<boolean> {
    const { count } = await this.prisma.generationJob.updateMany({
      where: { ...this.attemptOf(jobId, attempt), providerJobId: null },
      data: { providerRequestedAt: new Date() },
    });
    return count > 0;
  }

  /** The provider refused the create call (it answered an error): a later attempt may send it again. */
  async withdrawProviderRequest(jobId: string, attempt: number): Promise<void> {
    await this.prisma.generationJob.updateMany({
      where: { ...this.attemptOf(jobId, attempt), providerJobId: null },
      data: { providerRequestedAt: null },
    });
  }

  /** Stores the provider's id of the job's work, once; false when the job is no longer this attempt's. */
  async recordProviderJobId(jobId: string, attempt: number, providerJobId: string): Promise<boolean> {
    const { count } = await this.prisma.generationJob.updateMany({
      where: { ...this.attemptOf(jobId, attempt), providerJobId: null },
      data: { providerJobId },
    });
    return count > 0;
  }

  /** The progress of a step that the provider reports on; false when the job is no longer this attempt's. */
  async reportProgress(jobId: string, attempt: number, step: JobStep): Promise<boolean> {
    const { count } = await this.prisma.generationJob.updateMany({
      where: this.attemptOf(jobId, attempt),
      data: { currentStep: step.step, progress: step.progress },
    });
    return count > 0;
  }

  /** processing → failed for good; false when the job was no longer processing (cancelled meanwhile). */
  async fail(job: Pick<GenerationJob, 'id' | 'startedAt'>, message: string): Promise<boolean> {
    const now = new Date();
    const { count } = await this.prisma.generationJob.updateMany({
      where: { id: job.id, status: 'processing' },
      data: {
        status: 'failed',
        errorMessage: message,
        completedAt: now,
        actualTime: now.getTime() - (job.startedAt ?? now).getTime(),
      },
    });
    return count > 0;
  }

  /**
   * processing → queued until the queue's retry, due at `nextAttemptAt` (cleared by the claim of that retry);
   * false when the job was no longer processing.
   */
  async returnToQueue(jobId: string, message: string, nextAttemptAt: Date): Promise<boolean> {
    const { count } = await this.prisma.generationJob.updateMany({
      where: { id: jobId, status: 'processing' },
      data: { status: 'queued', errorMessage: message, progress: 0, currentStep: null, nextAttemptAt },
    });
    return count > 0;
  }

  /**
   * queued/processing → failed when the queue gave up on a job without an attempt recording it; returns the
   * failed job, or null when it had already finished (and was left alone).
   */
  async abandon(jobId: string, reason: string): Promise<GenerationJob | null> {
    const [abandoned] = await this.prisma.generationJob.updateManyAndReturn({
      where: { id: jobId, status: { in: ACTIVE_JOB_STATUSES } },
      data: { status: 'failed', errorMessage: reason, completedAt: new Date(), nextAttemptAt: null },
    });
    return abandoned ?? null;
  }

  /** The owner's queued/processing job → cancelled; returns it, or null when it is not theirs or already finished. */
  async cancel(userId: string, jobId: string): Promise<GenerationJob | null> {
    const [cancelled] = await this.prisma.generationJob.updateManyAndReturn({
      where: { id: jobId, userId, status: { in: ACTIVE_JOB_STATUSES } },
      data: {
        status: 'cancelled',
        completedAt: new Date(),
        errorMessage: 'Cancelled by the user',
        nextAttemptAt: null,
      },
    });
    return cancelled ?? null;
  }

  /**
   * Deletes a job whose enqueue failed: the caller is told nothing was created, so nothing is kept (an add
   * that still reaches the queue later finds no row and is skipped).
   */
  async removeUnqueued(jobId: string): Promise<void> {
    await this.prisma.generationJob.deleteMany({ where: { id: jobId } });
  }

  // ── previews (generation_job_previews: partial images of a streaming job, kept until it ends) ──

  /** Records preview `index` of the job; returns the key it replaced (a retried attempt streams again), if any. */
  async recordPreview(jobId: string, index: number, storageKey: string, mimeType: string): Promise<string | undefined> {
    const [row] = await this.prisma.prepared.query<{ previousKey: string | null }[]>`
      WITH previous AS (
        SELECT "storageKey" FROM "generation_job_previews" WHERE "jobId" = ${jobId}::uuid AND "index" = ${index}
      )
      INSERT INTO "generation_job_previews" ("id", "jobId", "index", "storageKey", "mimeType")
      VALUES (gen_random_uuid(), ${jobId}::uuid, ${index}, ${storageKey}, ${mimeType})
      ON CONFLICT ("jobId", "index") DO UPDATE SET "storageKey" = EXCLUDED."storageKey", "mimeType" = EXCLUDED."mimeType"
      RETURNING (SELECT "storageKey" FROM previous) AS "previousKey"`;
    return row?.previousKey ?? undefined;
  }

  /** The job's previews, in index order. */
  findPreviews(jobId: string): Promise<{ index: number; storageKey: string; mimeType: string }[]> {
    return this.prisma.generationJobPreview.findMany({
      where: { jobId },
      orderBy: { index: 'asc' },
      select: { index: true, storageKey: true, mimeType: true },
    });
  }

  /**
   * Deletes up to `limit` previews recorded before `createdBefore` of jobs that have ended (their worker died
   * before it could clear them, or Bull gave the job up) and returns their keys (the caller deletes the files).
   */
  async deleteEndedJobPreviews(createdBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.direct.query<{ storageKey: string }[]>`
      DELETE FROM "generation_job_previews" WHERE "id" IN (
        SELECT p."id" FROM "generation_job_previews" p JOIN "generation_jobs" j ON j."id" = p."jobId"
        WHERE p."createdAt" < ${createdBefore} AND j."status" NOT IN ('queued', 'processing')
        ORDER BY p."createdAt" LIMIT ${limit})
      RETURNING "storageKey"`;
    return rows.map((row) => row.storageKey);
  }

  /** Deletes the job's previews and returns their keys (the caller deletes the files). */
  async deletePreviews(jobId: string): Promise<string[]> {
    const rows = await this.prisma.prepared.query<{ storageKey: string }[]>`
      DELETE FROM "generation_job_previews" WHERE "jobId" = ${jobId}::uuid RETURNING "storageKey"`;
    return rows.map((row) => row.storageKey);
  }

  // ── reads ──

  /** Whether `jobId` is a job of `userId` (GenerationJobLookup), read in the caller's transaction when given. */
  async isJobOfUser(jobId: string, userId: string, tx: JobsTransaction = this.prisma): Promise<boolean> {
    return (await tx.generationJob.findFirst({ where: { id: jobId, userId }, select: { id: true } })) !== null;
  }

  findOwned(userId: string, jobId: string): Promise<GenerationJob | null> {
    return this.prisma.generationJob.findFirst({ where: { id: jobId, userId } });
  }

  findOwnedWithAssets(userId: string, jobId: string): Promise<JobWithAssets | null> {
    return this.prisma.generationJob.findFirst({
      where: { id: jobId, userId },
      include: { assets: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
  }

  findByIdempotencyKey(userId: string, idempotencyKey: string): Promise<GenerationJob | null> {
    return this.prisma.generationJob.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  }

  /** The user's jobs, newest first, one keyset page. */
  async list(userId: string, filter: JobListFilter): Promise<Page<GenerationJob>> {
    const where: Prisma.GenerationJobWhereInput = {
      userId,
      ...(filter.status?.length && { status: { in: filter.status } }),
      ...(filter.type?.length && { type: { in: filter.type } }),
      ...(filter.cursor && { OR: olderThanCursor(filter.cursor) }),
    };
    const rows = await this.prisma.generationJob.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
    return toPage(
      rows,
      filter.limit,
      (row) => [row.createdAt.toISOString(), row.id],
      (row) => row,
    );
  }

  /**
   * Queued jobs of `types` created before `createdBefore`, oldest first: the candidates the recovery sweep
   * re-enqueues in case their queue entry was lost.
   */
  findQueuedBefore(createdBefore: Date, types: readonly JobType[], limit: number): Promise<LostJob[]> {
    return this.prisma.generationJob.findMany({
      where: { status: 'queued', type: { in: [...types] }, createdAt: { lt: createdBefore } },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, type: true, priority: true },
    });
  }

  /**
   * The user's queued and processing jobs, after taking a per-user advisory lock held until `tx` ends, so
   * concurrent requests creating jobs count one after the other.
   */
  async lockAndListActive(userId: string, tx: JobsTransaction): Promise<ActiveJob[]> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`creative-engine:active-jobs:${userId}`}, 0))`;
    return tx.generationJob.findMany({
      where: { userId, status: { in: ACTIVE_JOB_STATUSES } },
      select: { createdAt: true, startedAt: true, estimatedTime: true },
    });
  }

  /** Total cost (USD) of the user's jobs created since `since`. */
  async costSince(userId: string, since: Date): Promise<number> {
    const { _sum } = await this.prisma.generationJob.aggregate({
      _sum: { cost: true },
      where: { userId, createdAt: { gte: since } },
    });
    return Number(_sum.cost ?? 0);
  }

  /** The job while attempt `attempt` processes it: a later attempt (a stalled job claimed again) has another number. */
  private attemptOf(jobId: string, attempt: number): Prisma.GenerationJobWhereInput {
    return { id: jobId, status: 'processing', attempts: attempt };
  }

  /** The UPDATE completing the job, with the status check and no asset stored yet; returns its templateId and the announced fields. */
  private markCompleted(job: Pick<GenerationJob, 'id' | 'startedAt'>, completion: JobCompletion): Prisma.Sql {
    const completedAt = new Date();
    const { step, resultUrl, thumbnailUrl, cost } = completion;
    return Prisma.sql`
      UPDATE "generation_jobs"
      SET "status" = 'completed', "progress" = ${step.progress}, "currentStep" = ${step.step},
          "resultUrl" = ${resultUrl}, "thumbnailUrl" = ${thumbnailUrl},
          "cost" = ${cost === null ? null : new Prisma.Decimal(cost)}::numeric, "errorMessage" = NULL,
          "completedAt" = ${completedAt}::timestamptz, "updatedAt" = ${completedAt}::timestamptz,
          "actualTime" = ${completedAt.getTime() - (job.startedAt ?? completedAt).getTime()}
      WHERE id = ${job.id}::uuid AND "status" = 'processing'
        AND NOT EXISTS (SELECT 1 FROM "creative_assets" WHERE "generationId" = ${job.id}::uuid)
      RETURNING "templateId", "id", "userId", "type", "provider", "model", "cost", "actualTime"`;
  }
}

/**
 * A new job's estimated time: the average actual time of the model's last ESTIMATE_SAMPLE_SIZE completed jobs
 * (null when there is none), computed by the INSERT that records the job.
 */
function estimatedTimeSql(model: string): Prisma.Sql {
  return Prisma.sql`(
    SELECT round(avg("actualTime"))::int FROM (
      SELECT "actualTime" FROM "generation_jobs"
      WHERE "model" = ${model} AND "status" = 'completed' AND "actualTime" IS NOT NULL
      ORDER BY "completedAt" DESC LIMIT ${ESTIMATE_SAMPLE_SIZE}
    ) "recent")`;
}

/** Keyset condition for the rows after a cursor in (createdAt desc, id desc) order. */
function olderThanCursor(cursor: string): Prisma.GenerationJobWhereInput[] {
  const [after, id] = decodeCursor(cursor, [cursorField.date, cursorField.uuid]);
  return [{ createdAt: { lt: after } }, { createdAt: after, id: { lt: id } }];
}

/**
 * A unique index refused the row: PostgreSQL's 23505, as `pg` reports it (DirectSql) or as Prisma wraps it for a
 * raw statement inside its transaction (P2010, the driver's error as its cause).
 */
function isUniqueViolation(error: unknown): boolean {
  if (error instanceof DatabaseError) return error.code === UNIQUE_VIOLATION;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const meta = error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined;
  return meta?.driverAdapterError?.cause?.originalCode === UNIQUE_VIOLATION;
}
