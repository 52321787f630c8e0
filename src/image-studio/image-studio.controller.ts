import { Body, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { IdempotencyKey, UuidParam } from '../common/validation';
import { announceShutdown, JOB_ACCEPTED, JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { CreativeController } from '../http/creative-controller.decorator';
import { GenerationRoute } from '../limits/rate-limit.guard';
import { EditImageDto, UpscaleImageDto } from './dto/image-studio.dto';
import { ImageStudioService } from './image-studio.service';

const NOT_FOUND = 'The source, the mask or a reference is no image asset you can see';
const NOT_CONFIGURED = 'The chosen provider has no API key on this server, or the queue is down';

@CreativeController('image studio')
export class ImageStudioController {
  constructor(private readonly studio: ImageStudioService) {}

  @Post('image/:assetId/edit')
  @ApiBody({
    type: EditImageDto,
    examples: {
      edit: { summary: 'Edit with a prompt', value: { prompt: 'Make it a winter scene' } },
      inpaint: {
        summary: 'Inpaint where a mask is transparent',
        value: {
          prompt: 'A red kite in the sky',
          operation: 'inpaint',
          maskAssetId: 'c0ffee00-7e4d-4a7e-9000-000000000013',
        },
      },
      removeBackground: {
        summary: 'Remove the background',
        value: { prompt: 'the product', operation: 'remove_background', provider: 'stability' },
      },
    },
  })
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Queue an edit of an image (yours or a public one, which stays unchanged): the result links the source as parentAssetId',
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(404, NOT_FOUND)
  @ApiErrorResponse(503, NOT_CONFIGURED)
  async edit(
    @CurrentUser() user: AuthUser,
    @UuidParam('assetId') assetId: string,
    @Body() body: EditImageDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.studio.editImage(user.id, assetId, body, { idempotencyKey }));
  }

  @Post('image/:assetId/upscale')
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Queue an upscale of an image (yours or a public one): the result is larger and links its source',
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(404, 'The source is no image asset you can see')
  @ApiErrorResponse(503, NOT_CONFIGURED)
  async upscale(
    @CurrentUser() user: AuthUser,
    @UuidParam('assetId') assetId: string,
    @Body() body: UpscaleImageDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.studio.upscaleImage(user.id, assetId, body, { idempotencyKey }));
  }
}
