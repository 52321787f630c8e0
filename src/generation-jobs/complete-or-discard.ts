import type { AssetsService, PreparedAsset } from '../assets/assets.service';
import type { CompletedJob } from '../jobs/generation-jobs.repository';
import { completionResult, type HandlerResult } from '../jobs/job-handler';

/**
 * The last step of a job whose files are already stored: `complete` inserts their rows and completes the job
 * in one transaction, null when the job is no longer the attempt's (cancelled). When that does not happen,
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
