import { Injectable } from '@nestjs/common';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { JobSubmissionService, type SubmitOptions } from '../generation-jobs/job-submission.service';
import type { GenerateVideoDto } from './dto/generate-video.dto';
import { VideoJobDrafts } from './video-job-drafts';

/**
 * Video generation (docs/ARCHITECTURE.md §4): drafts a job from a request (VideoJobDrafts) and hands it to
 * JobSubmissionService, which records it within the user's caps and enqueues it; the worker
 * (VideoJobHandler) does the rest, and GET /jobs/:jobId follows it. The public API for host apps as well as
 * the controller.
 */
@Injectable()
export class VideoGenerationService {
  constructor(
    private readonly drafts: VideoJobDrafts,
    private readonly submissions: JobSubmissionService,
  ) {}

  generateVideo(userId: string, input: GenerateVideoDto, options: SubmitOptions = {}): Promise<JobAcceptedResponseDto> {
    return this.submissions.submit(userId, { kind: 'generate-video', body: input }, options, () =>
      this.drafts.fromRequest(userId, input),
    );
  }
}
