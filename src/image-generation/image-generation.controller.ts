import { Body, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { announceShutdown, JOB_ACCEPTED, JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { JobStatusResponseDto } from '../generation-jobs/dto/job-response.dto';
import { AssetPageResponseDto } from '../assets/dto/asset-page-response.dto';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { GenerationRoute } from '../limits/rate-limit.guard';
import { ApiErrorResponse } from '../common/error-response.dto';
import { IdempotencyKey, UuidParam } from '../common/validation';
import { GenerateImageDto, RegenerateImageDto } from './dto/generate-image.dto';
import { ListImagesQueryDto } from './dto/list-images-query.dto';
import { ImageGenerationService } from './image-generation.service';

const NOT_CONFIGURED = 'The chosen provider has no API key on this server, or the queue is down';

@CreativeController('images')
export class ImageGenerationController {
  constructor(private readonly images: ImageGenerationService) {}

  @Post('image/generate')
  @ApiBody({
    type: GenerateImageDto,
    examples: {
      prompt: { summary: 'From a prompt', value: { prompt: 'A lighthouse at dawn, watercolour', size: '1024x1024' } },
      template: {
        summary: 'From the built-in "Blog hero image" template',
        value: { templateId: 'c0ffee00-7e4d-4a7e-9000-000000000012', variables: { topic: 'sustainable travel' } },
      },
    },
  })
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Queue an image generation from a prompt or an image template; poll statusUrl or stream /jobs/:jobId/events',
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(404, 'templateId is not a template you can see')
  @ApiErrorResponse(503, NOT_CONFIGURED)
  async generate(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateImageDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.images.generateImage(user.id, body, { idempotencyKey }));
  }

  @Get('image/:jobId/status')
  @ApiOperation({ summary: 'An image job: status, progress, steps, result assets, error, cost and times' })
  @ApiOkResponse({ type: JobStatusResponseDto })
  @ApiErrorResponse(404, 'No such job of yours')
  getStatus(@CurrentUser() user: AuthUser, @UuidParam('jobId') jobId: string): Promise<JobStatusResponseDto> {
    return this.images.getImageStatus(user.id, jobId);
  }

  @Post('image/:assetId/regenerate')
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      "Queue a new image from an asset's prompt and parameters with modifications; the new asset links parentAssetId",
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(404, 'No such asset, or it is private to another user')
  @ApiErrorResponse(503, NOT_CONFIGURED)
  async regenerate(
    @CurrentUser() user: AuthUser,
    @UuidParam('assetId') assetId: string,
    @Body() body: RegenerateImageDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.images.regenerateImage(user.id, assetId, body, { idempotencyKey }));
  }

  @Get('images')
  @ApiOperation({ summary: 'Your image assets, with the asset list filters' })
  @ApiOkResponse({ type: AssetPageResponseDto })
  @ApiErrorResponse(404, 'collectionId is not one of your collections')
  list(@CurrentUser() user: AuthUser, @Query() query: ListImagesQueryDto): Promise<AssetPageResponseDto> {
    return this.images.listUserImages(user.id, query);
  }
}
