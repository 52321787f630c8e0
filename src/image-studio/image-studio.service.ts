import { Injectable } from '@nestjs/common';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { JobSubmissionService, type SubmitOptions } from '../generation-jobs/job-submission.service';
import type { EditImageDto, UpscaleImageDto } from './dto/image-studio.dto';
import { ImageStudioDrafts } from './image-studio-drafts';

/**
 * The Image Studio (docs/ARCHITECTURE.md §4): edits and upscales of stored images as jobs of kind image_edit
 * and image_upscale, drafted by ImageStudioDrafts and queued like every job (caps, idempotency, priority);
 * ImageStudioJobHandler renders them. The public API for host apps as well as the controller.
 */
@Injectable()
export class ImageStudioService {
  constructor(
    private readonly drafts: ImageStudioDrafts,
    private readonly submissions: JobSubmissionService,
  ) {}

  editImage(
    userId: string,
    assetId: string,
    input: EditImageDto,
    options: SubmitOptions = {},
  ): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'edit-image', assetId, body: input }, options, () =>
      this.drafts.edit(userId, assetId, input),
    );
  }

  upscaleImage(
    userId: string,
    assetId: string,
    input: UpscaleImageDto,
    options: SubmitOptions = {},
  ): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'upscale-image', assetId, body: input }, options, () =>
      this.drafts.upscale(userId, assetId, input),
    );
  }
}
