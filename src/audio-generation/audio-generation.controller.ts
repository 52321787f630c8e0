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
import { AudioGenerationService } from './audio-generation.service';
import { GenerateAudioDto } from './dto/generate-audio.dto';

@CreativeController('audio')
export class AudioGenerationController {
  constructor(private readonly audio: AudioGenerationService) {}

  @Post('audio/generate')
  @ApiBody({
    type: GenerateAudioDto,
    examples: {
      speech: {
        summary: 'Speech with a voice and a tone',
        value: {
          text: 'Welcome to the autumn menu.',
          model: 'gpt-4o-mini-tts',
          voice: 'coral',
          instructions: 'Warm and unhurried',
        },
      },
      placeholder: { summary: 'A local placeholder WAV', value: { text: 'Hello there', provider: 'placeholder' } },
    },
  })
  @GenerationRoute()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Queue a text-to-speech job; poll statusUrl (/jobs/:jobId) or stream /jobs/:jobId/events; the result is an audio asset',
  })
  @ApiAcceptedResponse(JOB_ACCEPTED)
  @ApiErrorResponse(503, 'The chosen provider has no API key on this server, or the queue is down')
  async generate(
    @CurrentUser() user: AuthUser,
    @Body() body: GenerateAudioDto,
    @Res({ passthrough: true }) response: Response,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<JobAcceptedResponseDto> {
    return announceShutdown(response, await this.audio.generateAudio(user.id, body, { idempotencyKey }));
  }
}
