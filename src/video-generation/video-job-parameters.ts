import type { AssetLabels } from '../generation-jobs/job-asset-input';

/** What a video job stores in GenerationJob.parameters: the clip asked for and the asset's labels. */
export interface VideoJobParameters extends AssetLabels {
  size: string;
  seconds: number;
  /** The image asset given as the first frame. */
  referenceAssetId?: string;
  /** The model was deprecated when the job was made. */
  warnings?: string[];
}
