import { Body, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { IdempotencyKey } from '../common/validation';
import { announceShutdown, JOB_ACCEPTED, JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { CreativeController } from '../http/creative-controller.decorator';
import { GenerationRoute } from '../limits/rate-limit.guard';
import { GenerateVideoDto } from './dto/generate-video.dto';
import { VideoGenerationService } from './video-generation.service';

@CreativeController('videos')
export class VideoGenerationController {
  constructor(private readonly videos: VideoGenerationService) {}

  @Post('video/generate')
  @ApiBody({
    type: GenerateVideoDto,
    examples: {
      prompt: {
        summary: 'From a prompt',
        value: { prompt: 'A paper boat drifting down a rainy street, slow pan', seconds: 4, size: '1280x720' },
      },
      reference: {
        summary: 'From an image asset as the first frame',
        value: { prompt: 'The scene comes alive', referenceAssetId: 'c0ffee00-7e4d-4a7e-9000-000000000012' },
      },
    },
  })
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Queue a video generation; poll statusUrl (/jobs/:jobId) or stream /jobs/:jobId/events',
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(404, 'referenceAssetId is not an asset you can see')
  @ApiErrorResponse(503, 'The chosen provider has no API key on this server, or the queue is down')
  async generate(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateVideoDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.videos.generateVideo(user.id, body, { idempotencyKey }));
  }
}
