import type { EditOperation, ImageOutputFormat, UpscaleMode } from '../providers/image/image-provider';

/** What an edit or upscale job stores in GenerationJob.parameters (its source is the job's parentAssetId). */
export interface StudioJobParameters {
  operation: EditOperation | 'upscale';
  /** Upscales. */
  mode?: UpscaleMode;
  maskAssetId?: string;
  referenceAssetIds?: string[];
  searchPrompt?: string;
  n: number;
  size?: string;
  quality?: string;
  background?: string;
  outputFormat?: ImageOutputFormat;
  inputFidelity?: string;
  partialImages?: number;
  title: string;
  category?: string;
  tags?: string[];
  /** The model was deprecated when the job was made. */
  warnings?: string[];
}

/** The sourceModule of edited and upscaled images. */
export const STUDIO_SOURCE_MODULE = 'image_studio';
