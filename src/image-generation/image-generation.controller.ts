import { Body, Get, Headers, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { AssetPageResponseDto } from '../assets/dto/asset-page-response.dto';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CreativeController } from '../common/creative-controller.decorator';
import { GenerationRoute } from '../limits/rate-limit.guard';
import { ErrorResponseDto } from '../common/error-response.dto';
import { UuidParam } from '../common/validation';
import { GenerateImageDto, GenerateImageResponseDto, RegenerateImageDto } from './dto/generate-image.dto';
import { ImageJobStatusResponseDto } from './dto/job-response.dto';
import { ListImagesQueryDto } from './dto/list-images-query.dto';
import { ImageGenerationService } from './image-generation.service';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Repeating a request with the same key returns the job of the first one (1-255 visible ASCII characters)',
};
const NOT_CONFIGURED = { type: ErrorResponseDto, description: 'The chosen provider has no API key on this server, or the queue is down' };

@CreativeController('images')
export class ImageGenerationController {
  constructor(private readonly images: ImageGenerationService) {}

  @Post('image/generate')
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Queue an image generation from a prompt or an image template; poll statusUrl or stream /jobs/:jobId/events' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: GenerateImageResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'templateId is not a template you can see' })
  @ApiServiceUnavailableResponse(NOT_CONFIGURED)
  generate(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateImageDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<GenerateImageResponseDto> {
    return this.images.generateImage(user.id, body, { idempotencyKey });
  }

  @Get('image/:jobId/status')
  @ApiOperation({ summary: 'An image job: status, progress, steps, result assets, error, cost and times' })
  @ApiOkResponse({ type: ImageJobStatusResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such job of yours' })
  getStatus(@CurrentUser() user: AuthUser, @UuidParam('jobId') jobId: string): Promise<ImageJobStatusResponseDto> {
    return this.images.getImageStatus(user.id, jobId);
  }

  @Post('image/:assetId/regenerate')
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Queue a new image from an asset's prompt and parameters with modifications; the new asset links parentAssetId" })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiAcceptedResponse({ type: GenerateImageResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such asset, or it is private to another user' })
  @ApiServiceUnavailableResponse(NOT_CONFIGURED)
  regenerate(
    @CurrentUser() user: AuthUser,
    @UuidParam('assetId') assetId: string,
    @Body() body: RegenerateImageDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<GenerateImageResponseDto> {
    return this.images.regenerateImage(user.id, assetId, body, { idempotencyKey });
  }

  @Get('images')
  @ApiOperation({ summary: 'Your image assets, with the asset list filters' })
  @ApiOkResponse({ type: AssetPageResponseDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ListImagesQueryDto): Promise<AssetPageResponseDto> {
    return this.images.listUserImages(user.id, query);
  }
}
