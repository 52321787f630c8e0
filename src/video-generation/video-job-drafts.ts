import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import type { JobDraft } from '../generation-jobs/job-submission.service';
import type { VideoProviderName } from '../providers/provider-names';
import { validateVideoRequest } from '../providers/video/video-models';
import { VideoProviderRegistry } from '../providers/video/video-provider.registry';
import type { GenerateVideoDto } from './dto/generate-video.dto';
import type { VideoJobParameters } from './video-job-parameters';

/** A video job about to be recorded: validated, with its provider and model resolved. */
export interface VideoJobDraft extends JobDraft {
  type: 'video_generation';
  provider: VideoProviderName;
  parameters: VideoJobParameters;
}

/**
 * Turns a video request into a job draft: provider and model resolved, the model's sizes and lengths
 * defaulted and checked (one 400 naming every problem), the reference image checked to be an image the
 * caller can see, before anything is recorded.
 */
@Injectable()
export class VideoJobDrafts {
  constructor(
    private readonly providers: VideoProviderRegistry,
    private readonly assets: AssetsService,
  ) {}

  async fromRequest(userId: string, input: GenerateVideoDto, templateId?: string): Promise<VideoJobDraft> {
    const { provider, model, spec, shutdownDate, warnings } = this.providers.resolve(input);
    const prompt = input.prompt.trim();
    const size = input.size ?? spec.defaultSize;
    const seconds = input.seconds ?? spec.defaultSeconds;
    validateVideoRequest({ prompt, model, size, seconds, referenceAssetId: input.referenceAssetId }, spec);
    if (input.referenceAssetId) await this.assertReferenceImage(userId, input.referenceAssetId);
    this.providers.assertConfigured(provider);
    const parameters: VideoJobParameters = definedOnly({
      size,
      seconds,
      referenceAssetId: input.referenceAssetId,
      title: input.title,
      category: input.category,
      tags: input.tags,
      warnings: warnings.length > 0 ? warnings : undefined,
    });
    return {
      type: 'video_generation',
      prompt,
      provider: provider.name,
      model,
      parameters,
      priority: input.priority ?? 0,
      templateId,
      modelShutdownDate: shutdownDate,
    };
  }

  /** 404 for an asset the caller cannot see, 400 for one that is no image. */
  private async assertReferenceImage(userId: string, assetId: string): Promise<void> {
    const asset = await this.assets.getAsset(userId, assetId);
    if (asset.type !== 'image')
      throw new ValidationError(`Asset ${assetId} is a ${asset.type} asset; a reference must be an image`, [
        { field: 'referenceAssetId', problems: ['not an image asset'] },
      ]);
  }
}
