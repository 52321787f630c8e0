import { applyDecorators, Body, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { GenerationRoute } from '../limits/rate-limit.guard';
import { ApiErrorResponse } from '../common/error-response.dto';
import { JobAcceptedResponseDto } from '../generation-jobs/dto/job-accepted.dto';
import { ContentCreationService } from './content-creation.service';
import { FromTemplateDto, GenerateContentDto, GenerateIdeasDto, ImproveContentDto } from './dto/content-request.dto';
import {
  GenerateContentResponseDto,
  IdeasResponseDto,
  ImproveContentResponseDto,
  TemplateContentResponseDto,
} from './dto/content-response.dto';

/** Provider failures every content route can answer with. */
function ApiProviderFailures(): MethodDecorator {
  return applyDecorators(
    ApiErrorResponse(422, 'CONTENT_POLICY_VIOLATION: the provider refused the request'),
    ApiErrorResponse(502, 'PROVIDER_FAILED: the provider failed after retries, or answered unusably twice'),
    ApiErrorResponse(503, 'PROVIDER_NOT_CONFIGURED: no text provider is configured'),
  );
}

@CreativeController('content')
export class ContentCreationController {
  constructor(private readonly content: ContentCreationService) {}

  @Post('content/generate')
  @GenerationRoute()
  @ApiOperation({
    summary:
      'Generate text for a content type (tone, length, audience, language, model, temperature); saved as a text asset unless save: false',
  })
  @ApiCreatedResponse({ type: GenerateContentResponseDto })
  @ApiProviderFailures()
  async generate(@CurrentUser() user: AuthUser, @Body() body: GenerateContentDto): Promise<GenerateContentResponseDto> {
    return this.content.generateContent(user.id, body);
  }

  @Post('content/improve')
  @GenerationRoute()
  @ApiOperation({ summary: 'Improve a text toward a goal: { improved, suggestions }' })
  @ApiCreatedResponse({ type: ImproveContentResponseDto })
  @ApiProviderFailures()
  async improve(@CurrentUser() user: AuthUser, @Body() body: ImproveContentDto): Promise<ImproveContentResponseDto> {
    return this.content.improveContent(user.id, body);
  }

  @Post('content/ideas')
  @GenerationRoute()
  @ApiOperation({ summary: 'Exactly `count` (1-50) ideas about a topic' })
  @ApiCreatedResponse({ type: IdeasResponseDto })
  @ApiProviderFailures()
  async ideas(@CurrentUser() user: AuthUser, @Body() body: GenerateIdeasDto): Promise<IdeasResponseDto> {
    return this.content.generateIdeas(user.id, body);
  }

  @Post('content/from-template')
  @GenerationRoute()
  @ApiOperation({
    summary:
      'Render a template with variables: text templates generate content (201), image templates queue an image job (202)',
  })
  @ApiCreatedResponse({ type: TemplateContentResponseDto, description: 'Text template: the generated content' })
  @ApiAcceptedResponse({
    type: JobAcceptedResponseDto,
    description: 'Image template: the queued job; poll statusUrl',
  })
  @ApiErrorResponse(404, 'Not a template you can see')
  @ApiErrorResponse(400, 'Missing required variables (all named), unknown variables')
  @ApiProviderFailures()
  async fromTemplate(
    @CurrentUser() user: AuthUser,
    @Body() body: FromTemplateDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TemplateContentResponseDto | JobAcceptedResponseDto> {
    const result = await this.content.generateFromTemplate(user.id, body);
    if ('jobId' in result) response.status(HttpStatus.ACCEPTED);
    return result;
  }
}
