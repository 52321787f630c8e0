import { Injectable } from '@nestjs/common';
import type { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { JobSubmissionService, type SubmitOptions } from '../generation-jobs/job-submission.service';
import { definedOnly, pickTypedFields } from '../common/objects';
import type { RenderedTemplate } from '../templates/templates.service';
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

  /**
   * A video from a video template the caller has already rendered (POST /content/from-template): its prompt
   * is the rendered one; its model, size and seconds are defaults under the request's own.
   */
  generateVideoFromTemplate(
    userId: string,
    rendered: RenderedTemplate,
    input: TemplateVideoInput = {},
  ): Promise<JobAcceptedResponseDto> {
    const request: GenerateVideoDto = {
      ...pickVideoParameters(rendered.template.parameters),
      model: input.provider ? undefined : (rendered.template.model ?? undefined),
      ...definedOnly(input),
      prompt: rendered.prompt,
    };
    return this.submissions.submit(userId, { kind: 'generate-video', body: request }, {}, () =>
      this.drafts.fromRequest(userId, request, rendered.template.id),
    );
  }
}

/** The fields of a video request besides its prompt, when the prompt comes from a template. */
export type TemplateVideoInput = Omit<GenerateVideoDto, 'prompt'>;

/** The video parameters a template stores, each kept only with the right type; the model's rules check them. */
const pickVideoParameters = (json: unknown) =>
  pickTypedFields(json, { strings: ['size'], numbers: ['seconds'] }) as Partial<GenerateVideoDto>;
