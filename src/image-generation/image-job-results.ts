import type { AssetsService, PreparedAsset } from '../assets/assets.service';
import type { SaveAssetInput } from '../assets/save-asset-input';
import { ProviderError, ValidationError } from '../common/errors';
import type { GenerationJob } from '../generated/prisma/client';
import { completeOrDiscard, type JobResultServices, saveResults } from '../generation-jobs/complete-or-discard';
import type { GenerationJobsRepository } from '../jobs/generation-jobs.repository';
import { CANCELLED, type HandlerResult } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';

/** What storing a job's images and completing it needs (the handlers' own injected services). */
export interface ImageResultServices extends JobResultServices {
  jobs: Pick<GenerationJobsRepository, 'advanceSql' | 'completeWithAssets'>;
  assets: Pick<AssetsService, 'prepareAssetFilesIf' | 'jobAssetWrites' | 'discardPreparedAsset'>;
}

/**
 * The end of every job that renders images (generations, edits, upscales; docs/ARCHITECTURE.md §4): the
 * `storing` step in the statement that records the first image's files (nothing is stored for a job cancelled
 * by then), each image and its thumbnail stored, then the assets created and the job completed in one
 * statement. A cancelled or failed attempt leaves no file behind; bytes that are no usable image are the
 * provider's (retryable) failure.
 */
export async function storeImagesAndComplete(
  services: ImageResultServices,
  job: GenerationJob,
  inputs: readonly SaveAssetInput[],
  cost: number | null,
  deadline: AbortSignal,
): Promise<HandlerResult> {
  const prepared = await prepareAll(services, job, inputs);
  if (!prepared) return CANCELLED;
  return completeOrDiscard(services.assets, prepared, async () => {
    assertInTime(deadline, RENDER_TIMEOUT);
    const completion = {
      step: RENDER_STEPS.done,
      resultUrl: prepared[0]?.url ?? null,
      thumbnailUrl: prepared[0]?.thumbnailUrl ?? null,
      cost,
    };
    return saveResults(services, job, completion, prepared);
  });
}

/** The images' files, the first stored only if the job still moves to `storing`; null when it did not. */
async function prepareAll(
  { jobs, assets }: ImageResultServices,
  job: GenerationJob,
  inputs: readonly SaveAssetInput[],
): Promise<PreparedAsset[] | null> {
  const prepared: PreparedAsset[] = [];
  try {
    for (const [index, input] of inputs.entries()) {
      const storing = index === 0 ? jobs.advanceSql(job.id, RENDER_STEPS.storing) : undefined;
      const asset = await assets.prepareAssetFilesIf(job.userId, input, storing);
      if (!asset) return null;
      prepared.push(asset);
    }
    return prepared;
  } catch (error) {
    await Promise.all(prepared.map((asset) => assets.discardPreparedAsset(asset)));
    if (error instanceof ValidationError) {
      throw new ProviderError(`${job.provider} returned data that is not a usable image: ${error.message}`, true, {
        cause: error,
      });
    }
    throw error;
  }
}
