import { Body, Delete, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { ApiErrorResponse } from '../common/error-response.dto';
import { UuidParam } from '../common/validation';
import { CreateTemplateDto } from './dto/create-template.dto';
import { ListTemplatesQueryDto } from './dto/list-templates-query.dto';
import { DeleteTemplateResponseDto, TemplatePageResponseDto, TemplateResponseDto } from './dto/template-response.dto';
import { UpdateTemplateDto } from './dto/update-template.dto';
import { TemplatesService } from './templates.service';

@CreativeController('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('template')
  @ApiOperation({ summary: 'Create a template; its variables must match the {{placeholders}} of the prompt' })
  @ApiCreatedResponse({ type: TemplateResponseDto })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateTemplateDto): Promise<TemplateResponseDto> {
    return this.templates.createTemplate(user.id, body);
  }

  @Get('template/:id')
  @ApiOperation({ summary: 'A template: your own, a public one or a built-in default' })
  @ApiOkResponse({ type: TemplateResponseDto })
  @ApiErrorResponse(404, 'No such template, or a private one of another user')
  async get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<TemplateResponseDto> {
    return this.templates.getTemplate(user.id, id);
  }

  @Get('templates')
  @ApiOperation({
    summary: 'Templates you can see, filtered by type, category, tags, search and scope; newest or most used first',
  })
  @ApiOkResponse({ type: TemplatePageResponseDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListTemplatesQueryDto): Promise<TemplatePageResponseDto> {
    return this.templates.listTemplates(user.id, query);
  }

  @Patch('template/:id')
  @ApiOperation({ summary: 'Change your template (owner only; built-in defaults are read-only)' })
  @ApiOkResponse({ type: TemplateResponseDto })
  @ApiErrorResponse(403, 'A default or another user’s public template')
  @ApiErrorResponse(404, 'No such template, or a private one of another user')
  async update(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Body() body: UpdateTemplateDto,
  ): Promise<TemplateResponseDto> {
    return this.templates.updateTemplate(user.id, id, body);
  }

  @Delete('template/:id')
  @ApiOperation({ summary: 'Delete your template (owner only); jobs made from it keep their history' })
  @ApiOkResponse({ type: DeleteTemplateResponseDto })
  @ApiErrorResponse(403, 'A default or another user’s public template')
  @ApiErrorResponse(404, 'No such template, or a private one of another user')
  async remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<DeleteTemplateResponseDto> {
    await this.templates.deleteTemplate(user.id, id);
    return { success: true, id };
  }
}
