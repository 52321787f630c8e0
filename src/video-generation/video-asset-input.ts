import type { SaveAssetInput } from '../assets/save-asset-input';
import type { GenerationJob } from '../generated/prisma/client';
import { assetFieldsOfJob, placeholderMetadata } from '../generation-jobs/job-asset-input';
import type { GeneratedVideo } from '../providers/video/video-provider';
import type { VideoJobParameters } from './video-job-parameters';

export const VIDEO_SOURCE_MODULE = 'video_generation';

/** The clip a video job produced as the asset the library keeps; its size and length are read from the bytes. */
export function videoAssetInput(
  job: GenerationJob,
  parameters: VideoJobParameters,
  video: GeneratedVideo,
  cost: number | null,
): SaveAssetInput {
  return {
    ...assetFieldsOfJob(job, parameters),
    type: 'video',
    sourceModule: VIDEO_SOURCE_MODULE,
    bytes: video.bytes,
    poster: video.poster,
    cost: cost ?? undefined,
    parameters: {
      size: parameters.size,
      seconds: parameters.seconds,
      ...(parameters.referenceAssetId && { referenceAssetId: parameters.referenceAssetId }),
    },
    metadata: { ...(job.providerJobId && { providerVideoId: job.providerJobId }), ...placeholderMetadata(job) },
  };
}
