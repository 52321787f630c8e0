import { Injectable } from '@nestjs/common';
import { AssetsService } from '../assets/assets.service';
import type { AssetPageResponseDto } from '../assets/dto/asset-page-response.dto';
import type { ListAssetsQueryDto } from '../assets/dto/list-assets-query.dto';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import type { JobStatusResponseDto } from '../generation-jobs/dto/job-response.dto';
import { GenerationJobsService } from '../generation-jobs/generation-jobs.service';
import { JobSubmissionService, type SubmitOptions } from '../generation-jobs/job-submission.service';
import type { RenderedTemplate } from '../templates/templates.service';
import type { GenerateImageDto, RegenerateImageDto } from './dto/generate-image.dto';
import { ImageJobDrafts, type TemplateImageInput } from './image-job-drafts';

export type ListUserImagesInput = Omit<ListAssetsQueryDto, 'type'>;

/**
 * Image generation (docs/ARCHITECTURE.md §4): drafts a job from a request (ImageJobDrafts) and hands it to
 * JobSubmissionService, which records it within the user's caps and enqueues it; the worker
 * (ImageJobHandler) does the rest. The public API for host apps as well as the controller.
 */
@Injectable()
export class ImageGenerationService {
  constructor(
    private readonly drafts: ImageJobDrafts,
    private readonly assets: AssetsService,
    private readonly submissions: JobSubmissionService,
    private readonly jobStatus: GenerationJobsService,
  ) {}

  generateImage(userId: string, input: GenerateImageDto, options: SubmitOptions = {}): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'generate', body: input }, options, () =>
      this.drafts.fromRequest(userId, input),
    );
  }

  /** generateImage from an image template the caller has already rendered (POST /content/from-template). */
  generateImageFromTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: TemplateImageInput = {},
  ): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'generate', body: input }, {}, () =>
      this.drafts.fromTemplate(rendered, input),
    );
  }

  getImageStatus(userId: string, jobId: string): Promise<JobStatusResponseDto> {
    return this.jobStatus.getJobStatus(userId, jobId);
  }

  /** A new job from an image asset, with the given fields replacing its own (ImageJobDrafts.fromAsset). */
  regenerateImage(
    userId: string,
    assetId: string,
    input: RegenerateImageDto,
    options: SubmitOptions = {},
  ): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'regenerate', assetId, body: input }, options, () =>
      this.drafts.fromAsset(userId, assetId, input),
    );
  }

  /** The caller's image assets (GET /images): the asset library's list with type=image. */
  listUserImages(userId: string, query: ListUserImagesInput): Promise<AssetPageResponseDto> {
    return this.assets.listAssets(userId, { ...query, type: 'image' });
  }
}
