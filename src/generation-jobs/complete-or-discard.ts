import type { AssetsService, PreparedAsset } from '../assets/assets.service';
import type { GenerationJob } from '../generated/prisma/client';
import type { CompletedJob, GenerationJobsRepository, JobCompletion } from '../jobs/generation-jobs.repository';
import { completionResult, type HandlerResult } from '../jobs/job-handler';
import type { TemplatesService } from '../templates/templates.service';

/** What saving a job's results and completing it needs (a handler's own injected services). */
export interface JobResultServices {
  jobs: Pick<GenerationJobsRepository, 'completeWithAssets'>;
  assets: Pick<AssetsService, 'jobAssetWrites'>;
  templates?: Pick<TemplatesService, 'templateUseSql'>;
}

/**
 * The last step of a job whose files are already stored: `complete` inserts their rows and completes the job
 * in one statement, null when the job is no longer the attempt's (cancelled). When that does not happen,
 * or throws, the stored files are deleted, so a cancelled or failed attempt leaves nothing behind.
 */
export async function completeOrDiscard(
  assets: Pick<AssetsService, 'discardPreparedAsset'>,
  prepared: readonly PreparedAsset[],
  complete: () => Promise<CompletedJob | null>,
): Promise<HandlerResult> {
  let completed: CompletedJob | null = null;
  try {
    completed = await complete();
    return completionResult(completed);
  } finally {
    if (!completed) await Promise.all(prepared.map((asset) => assets.discardPreparedAsset(asset)));
  }
}

/**
 * The job completed with its prepared results in one statement: their rows, their files given to them and the
 * use of the job's template. Null when the job is no longer this attempt's to complete. Saving has no step of its
 * own: the statement that saves is the one that completes, and it notices a cancellation as a step would.
 */
export async function saveResults(
  { jobs, assets, templates }: JobResultServices,
  job: GenerationJob,
  completion: JobCompletion,
  prepared: readonly PreparedAsset[],
): Promise<CompletedJob | null> {
  const results = await assets.jobAssetWrites(job, prepared);
  return jobs.completeWithAssets(job, completion, (completing) => ({
    assets: results.assets,
    statements: [
      ...results.statements(completing.happened),
      ...(templates ? [templates.templateUseSql(completing.templateId)] : []),
    ],
  }));
}
