import { Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { SignedLinkQueryDto } from '../assets/dto/signed-link-query.dto';
import { ApiErrorResponse } from '../common/error-response.dto';
import { EnumParam, UuidParam } from '../common/validation';
import { SignedLinkController } from '../http/creative-controller.decorator';
import { GenerationJobsService } from './generation-jobs.service';

/** The indexes of a streaming job's partial images (OpenAI's partial_images: 1-3). */
// eslint-disable-next-line no-useless-assignment -- read by the parameter decorator below
const PREVIEW_INDEXES = ['0', '1', '2'] as const;

@SignedLinkController('jobs')
export class SignedPreviewsController {
  constructor(private readonly jobs: GenerationJobsService) {}

  @Get('signed/job/:jobId/preview/:index')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  @ApiOperation({
    summary:
      'A partial image of a streaming job, through the url of an `event: partial` of GET /jobs/:jobId/events: no Authorization header, until the link expires or the job ends',
  })
  @ApiProduces('image/*')
  @ApiOkResponse({ description: 'The partial image' })
  @ApiErrorResponse(403, 'The link is forged, altered or expired', 'FORBIDDEN')
  @ApiErrorResponse(404, 'The job ended: its previews are deleted')
  async get(
    @UuidParam('jobId') jobId: string,
    @EnumParam('index', PREVIEW_INDEXES) index: string,
    @Query() query: SignedLinkQueryDto,
  ): Promise<StreamableFile> {
    const preview = await this.jobs.getSignedPreview(jobId, Number(index), query);
    return new StreamableFile(preview.body, { type: preview.mimeType, disposition: 'inline' });
  }
}
