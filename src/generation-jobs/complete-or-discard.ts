import type { AssetsService, PreparedAsset } from '../assets/assets.service';

/**
 * The last step of a job whose files are already stored: `complete` inserts their rows and completes the job
 * in one transaction, false when the job is no longer the attempt's (cancelled). When that does not happen,
 * or throws, the stored files are deleted, so a cancelled or failed attempt leaves nothing behind.
 */
export async function completeOrDiscard(
  assets: Pick<AssetsService, 'discardPreparedAsset'>,
  prepared: readonly PreparedAsset[],
  complete: () => Promise<boolean>,
): Promise<'completed' | 'cancelled'> {
  let completed = false;
  try {
    completed = await complete();
    return completed ? 'completed' : 'cancelled';
  } finally {
    if (!completed) await Promise.all(prepared.map((asset) => assets.discardPreparedAsset(asset)));
  }
}
