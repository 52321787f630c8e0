import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { ToStringList, Trim } from '../../common/validation';
import { TemplateType } from '../../generated/prisma/client';
import { TEMPLATE_FIELD_LIMITS } from './create-template.dto';

export const TEMPLATE_SCOPES = ['all', 'mine', 'public', 'defaults'] as const;
export type TemplateScope = (typeof TEMPLATE_SCOPES)[number];

export const TEMPLATE_SORTS = ['recent', 'usage'] as const;
export type TemplateSort = (typeof TEMPLATE_SORTS)[number];

export class ListTemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TemplateType })
  @IsOptional()
  @IsEnum(TemplateType)
  type?: TemplateType;

  @ApiPropertyOptional({ example: 'social' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.categoryLength)
  category?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'marketing,short',
    description: 'Comma-separated; every tag must match',
  })
  @IsOptional()
  @ToStringList()
  @ArrayMaxSize(TEMPLATE_FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(TEMPLATE_FIELD_LIMITS.tagLength, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Case-insensitive text in name, description or prompt', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({
    enum: TEMPLATE_SCOPES,
    default: 'all',
    description: 'mine: your own; public: shared by any user; defaults: built-in; all: everything you can see',
  })
  @IsOptional()
  @IsIn(TEMPLATE_SCOPES)
  scope: TemplateScope = 'all';

  @ApiPropertyOptional({
    enum: TEMPLATE_SORTS,
    default: 'recent',
    description: 'recent: newest first; usage: most used first',
  })
  @IsOptional()
  @IsIn(TEMPLATE_SORTS)
  sort: TemplateSort = 'recent';
}
