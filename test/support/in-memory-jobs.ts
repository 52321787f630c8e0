import { Prisma, type GenerationJob, type JobStatus } from '../../src/generated/prisma/client';
import type {
  AnnouncedAsset,
  CompletedJob,
  CompletingJob,
  CompletionWrites,
  JobCompletion,
  JobStep,
} from '../../src/jobs/generation-jobs.repository';
import type { JobAssetWrites, PreparedAsset } from '../../src/assets/assets.service';
import type { SaveAssetInput } from '../../src/assets/save-asset-input';
import type { EngineConfig } from '../../src/config/engine-config';
import { EngineMetrics } from '../../src/metrics/engine-metrics';

/** For unit specs of job handlers: the repository's transitions over rows in memory. */
export const JOB_ID = '00000000-0000-4000-8000-000000000001';
/** What the fake completion hands the writes that complete with a job: markers a spec finds in their statements. */
export const COMPLETING: CompletingJob = {
  happened: Prisma.sql`completing_job_happened`,
  templateId: Prisma.sql`completing_job_template_id`,
};

/** Metrics of a unit spec: a registry of its own, no catalogue (every model is "other"). */
export function testMetrics(): EngineMetrics {
  return new EngineMetrics({ modelCatalogue: [] } as unknown as EngineConfig);
}

/** generation_jobs in memory, with the repository's transitions: each applies only from the statuses it names. */
export class InMemoryJobs {
  readonly rows = new Map<string, GenerationJob>();
  readonly transitions: string[] = [];
  /** The statements the last completion was given to run with it. */
  completionStatements: readonly Prisma.Sql[] = [];
  /** What each statement handed out by advanceSql does when a fake runs it. */
  private readonly conditions = new Map<Prisma.Sql, () => boolean>();

  add(fields: Partial<GenerationJob> = {}): GenerationJob {
    const row = {
      id: JOB_ID,
      userId: 'user-1',
      type: 'image_generation',
      status: 'queued',
      prompt: 'a lighthouse at dawn',
      negativePrompt: null,
      provider: 'openai',
      model: 'gpt-image-1',
      parameters: { n: 1, size: '1024x1024' },
      templateId: null,
      parentAssetId: null,
      attempts: 0,
      progress: 0,
      currentStep: null,
      totalSteps: null,
      errorMessage: null,
      startedAt: null,
      completedAt: null,
      ...fields,
    } as GenerationJob;
    this.rows.set(row.id, row);
    return row;
  }

  status(id = JOB_ID): JobStatus | undefined {
    return this.rows.get(id)?.status;
  }

  private transition(
    id: string,
    from: readonly JobStatus[],
    name: string,
    change: Partial<GenerationJob>,
  ): GenerationJob | null {
    const row = this.rows.get(id);
    if (!row || !from.includes(row.status)) return null;
    this.transitions.push(name);
    Object.assign(row, change);
    return row;
  }

  async claim(id: string, first: JobStep, totalSteps: number) {
    const row = this.rows.get(id);
    const claimed = this.transition(id, ['queued', 'processing', 'failed'], 'claim', {
      status: 'processing',
      errorMessage: row?.status === 'failed' ? null : (row?.errorMessage ?? null),
      attempts: (row?.attempts ?? 0) + 1,
      startedAt: row?.startedAt ?? new Date(),
      currentStep: first.step,
      progress: first.progress,
      totalSteps,
      nextAttemptAt: null,
    });
    return claimed && { ...claimed };
  }

  async advance(id: string, step: JobStep) {
    return this.moveTo(id, step);
  }

  /** A marker statement: a fake that stores files only if it holds runs it with `holds`, which moves the job. */
  advanceSql(id: string, step: JobStep): Prisma.Sql {
    const statement = Prisma.sql`advance_job ${id} ${step.step}`;
    this.conditions.set(statement, () => this.moveTo(id, step));
    return statement;
  }

  /** Runs a condition that advanceSql handed out (none: it holds), as the statement it stands for would. */
  holds(condition: Prisma.Sql | undefined): boolean {
    if (!condition) return true;
    const run = this.conditions.get(condition);
    if (!run) throw new Error(`Not a statement of this repository: ${condition.text}`);
    return run();
  }

  private moveTo(id: string, step: JobStep): boolean {
    return (
      this.transition(id, ['processing'], `advance:${step.step}`, {
        currentStep: step.step,
        progress: step.progress,
      }) !== null
    );
  }

  async completeWithAssets(
    job: { id: string },
    completion: JobCompletion,
    writes: (job: CompletingJob) => CompletionWrites,
  ): Promise<CompletedJob | null> {
    const row = this.rows.get(job.id);
    if (row?.status !== 'processing') return null;
    const { statements, assets } = writes(COMPLETING);
    this.completionStatements = statements;
    const completedAt = new Date();
    this.transition(job.id, ['processing'], 'completeWithAssets', {
      status: 'completed',
      currentStep: completion.step.step,
      progress: completion.step.progress,
      resultUrl: completion.resultUrl,
      cost: completion.cost === null ? null : new Prisma.Decimal(completion.cost),
      completedAt,
      actualTime: completedAt.getTime() - (row.startedAt ?? completedAt).getTime(),
    });
    return { ...row, assets };
  }

  async fail(job: { id: string }, message: string) {
    return this.transition(job.id, ['processing'], 'fail', { status: 'failed', errorMessage: message }) !== null;
  }

  async returnToQueue(id: string, message: string, nextAttemptAt: Date) {
    return (
      this.transition(id, ['processing'], 'returnToQueue', {
        status: 'queued',
        errorMessage: message,
        progress: 0,
        currentStep: null,
        nextAttemptAt,
      }) !== null
    );
  }

  async cancel(_userId: string, id: string) {
    return this.transition(id, ['queued', 'processing'], 'cancel', { status: 'cancelled' });
  }
}

/** What AssetsService.jobAssetWrites answers for a job's prepared assets, as a unit spec's fake. */
function fakeJobAssetWrites(
  job: { id: string },
  prepared: readonly { id: string; userId: string; fields: { type?: unknown; sourceModule?: unknown } }[],
): JobAssetWrites {
  const assets: AnnouncedAsset[] = prepared.map((asset) => ({
    id: asset.id,
    userId: asset.userId,
    type: asset.fields.type as AnnouncedAsset['type'],
    sourceModule: String(asset.fields.sourceModule),
    generationId: job.id,
  }));
  return { assets, statements: (when) => [resultsStatement(assets, when)] };
}

/** The statement fakeJobAssetWrites gives for the assets: a marker naming them and the condition it was given. */
export function resultsStatement(assets: readonly { id: string }[], when: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`store ${assets.map((asset) => asset.id).join(',')} when ${when}`;
}

/** The statement fakeTemplates gives for a template's use: a marker naming the template's id expression. */
export function templateUseStatement(templateId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`use template ${templateId}`;
}

/** A fake TemplatesService.templateUseSql, answering templateUseStatement. */
export function fakeTemplates() {
  return { templateUseSql: jest.fn(templateUseStatement) };
}

/**
 * AssetsService.prepareAssetFilesIf over InMemoryJobs: the n-th call's asset (asset-n, its file key-n), or null,
 * with nothing stored, when its condition (a step from advanceSql) no longer holds.
 */
function fakePrepareAssetFiles(jobs: InMemoryJobs) {
  let prepared = 0;
  return async (userId: string, input: SaveAssetInput, condition?: Prisma.Sql): Promise<PreparedAsset | null> => {
    if (!jobs.holds(condition)) return null;
    prepared += 1;
    return {
      id: `asset-${prepared}`,
      userId,
      url: `/files/${prepared}`,
      thumbnailUrl: null,
      fields: input as never,
      storedFiles: [{ key: `key-${prepared}`, checksum: 'c', intentId: 'i' }],
    };
  };
}

/** The AssetsService calls a render job's handler makes, over InMemoryJobs, as spies. */
export function fakeJobAssets(jobs: InMemoryJobs) {
  return {
    prepareAssetFilesIf: jest.fn(fakePrepareAssetFiles(jobs)),
    jobAssetWrites: jest.fn(async (job: { id: string }, prepared: PreparedAsset[]) =>
      fakeJobAssetWrites(job, prepared),
    ),
    discardPreparedAsset: jest.fn(async () => undefined),
  };
}
