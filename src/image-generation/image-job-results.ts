import type { AssetsService, PreparedAsset } from '../assets/assets.service';
import type { SaveAssetInput } from '../assets/save-asset-input';
import { ProviderError, ValidationError } from '../common/errors';
import type { GenerationJob } from '../generated/prisma/client';
import { completeOrDiscard, type JobResultServices, saveResults } from '../generation-jobs/complete-or-discard';
import type { HandlerResult } from '../jobs/job-handler';
import { assertInTime, RENDER_STEPS, RENDER_TIMEOUT } from '../jobs/render-steps';

/** What storing a job's images and completing it needs (the handlers' own injected services). */
export interface ImageResultServices extends JobResultServices {
  assets: Pick<AssetsService, 'prepareAssetFiles' | 'jobAssetWrites' | 'discardPreparedAsset'>;
}

/**
 * The end of every job that renders images (generations, edits, upscales; docs/ARCHITECTURE.md §4): stores each
 * image and its thumbnail, then creates the assets and completes the job in one statement. A cancelled or
 * failed attempt leaves no file behind; bytes that are no usable image are the provider's (retryable) failure.
 */
export async function storeImagesAndComplete(
  services: ImageResultServices,
  job: GenerationJob,
  inputs: readonly SaveAssetInput[],
  cost: number | null,
  deadline: AbortSignal,
): Promise<HandlerResult> {
  const prepared = await prepareAll(services, job, inputs);
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

async function prepareAll(
  { assets }: ImageResultServices,
  job: GenerationJob,
  inputs: readonly SaveAssetInput[],
): Promise<PreparedAsset[]> {
  const prepared: PreparedAsset[] = [];
  try {
    for (const input of inputs) prepared.push(await assets.prepareAssetFiles(job.userId, input));
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
